"""Every write to taskings and nominations. Each is atomic, writes the timeline and the audit
record in the same transaction, and tells the people who must act (tasking/notices.py).

Actors are people or machine clients (the API); both carry an organisation and `has_perm`.
Bad input raises ValidationError naming the field, and changes nothing.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import COORDINATE_TASKING, RESPOND_TO_TASKING
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.idempotency import IdempotencyConflict, RequestInFlight, key_check, key_lock
from crossline.linkage.models import Entity, EntityKind, EntityMember
from crossline.linkage.selectors import entities_visible_to
from crossline.organisations.models import LAW_ENFORCEMENT_KINDS, Organisation, OrganisationKind
from crossline.tasking.models import (
    PACK_IN_PROGRESS,
    ApiRequest,
    ClosureType,
    EventKind,
    MeetingPack,
    Nomination,
    NominationKind,
    NominationStatus,
    Objective,
    OwnerStatus,
    PackStatus,
    Tasking,
    TaskingEvent,
    TaskingMeeting,
    TaskingOwner,
    TaskingPriority,
    TaskingStatus,
)
from crossline.tasking.notices import long_date, notify
from crossline.tasking.selectors import (
    coordinator_region,
    is_national_coordinator,
    may_decide,
    may_manage,
    meetings_visible_to,
)

TASKING = "tasking.Tasking"
NOMINATION = "tasking.Nomination"
TEXT_MIN = 10
TEXT_MAX = 4000
TITLE_MAX = 150
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud in meetings


def _require(actor, permission: str) -> Organisation:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied("Your role does not allow this.")
    return _organisation_of(actor)


def _organisation_of(actor) -> Organisation:
    organisation = getattr(actor, "organisation", None)
    if organisation is None:
        raise PermissionDenied("You need to belong to an organisation to do this.")
    return organisation


def _person(actor):
    """The user to name on the timeline (a machine client is named by its organisation only)."""
    return actor if not hasattr(actor, "scopes") else None


def _client(actor):
    return actor if hasattr(actor, "scopes") else None


def _force_may_nominate(organisation: Organisation, actor, line: Entity) -> bool:
    """A line the force itself reports (a machine client reads no records, but its force does),
    or one its people may see."""
    if line.kind != EntityKind.LINE or not line.is_active:
        return False
    if EntityMember.objects.filter(entity=line, force_id=organisation.police_force_id).exists():
        return True
    if _client(actor) is not None:
        return False
    return entities_visible_to(user=actor, kind=EntityKind.LINE).filter(pk=line.pk).exists()


def _text(value: str | None, *, field: str, what: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and len(value) < TEXT_MIN:
        raise ValidationError({field: f"Enter {what} (at least {TEXT_MIN} characters)"})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: f"{what[0].upper()}{what[1:]} must be {TEXT_MAX} characters or fewer"})
    return value


def _audit(action: str, tasking: Tasking, *, actor, request=None, **detail) -> None:
    audit_record(action=action, object_type=TASKING, object_refs=[tasking.pk, tasking.reference], actor=actor,
                 request=request, detail=detail or None)


def _event(tasking: Tasking, *, kind: str, actor=None, owner: TaskingOwner | None = None, text: str = "",
           now: datetime) -> TaskingEvent:
    return TaskingEvent.objects.create(tasking=tasking, owner=owner, kind=kind, text=text, by=_person(actor),
                                       by_organisation=getattr(actor, "organisation", None), at=now)


def _link(tasking: Tasking) -> str:
    return reverse("tasking:detail", args=[tasking.reference])


def _lock(tasking: Tasking) -> Tasking:
    return Tasking.objects.select_for_update(of=("self",)).select_related("tasking_organisation").get(pk=tasking.pk)


def _new_reference(now: datetime) -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(4))
    return f"TK-{now:%y}-{chars}"


# --- setting a tasking ----------------------------------------------------------------------------
def owners_allowed(*, actor) -> list[Organisation]:
    """Who a co-ordinator may task: the national centre any law enforcement organisation; a ROCU
    its region's forces and itself."""
    organisations = Organisation.objects.filter(is_active=True, kind__in=LAW_ENFORCEMENT_KINDS).select_related(
        "police_force")
    if is_national_coordinator(actor):
        return list(organisations.order_by("kind", "name"))
    region = coordinator_region(actor)
    if region is None:
        return []
    return list(organisations.filter(police_force__region=region).order_by("name")) + [actor.organisation]


@transaction.atomic
def tasking_create(*, actor, title: str, lines: list[Entity], owners: list[Organisation], objective: str,
                   priority: str, due_date: date | None, instructions: str, nomination: Nomination | None = None,
                   request=None, now: datetime | None = None) -> Tasking:
    organisation = _require(actor, COORDINATE_TASKING)
    if organisation.kind not in (OrganisationKind.NATIONAL_CENTRE, OrganisationKind.ROCU):
        raise PermissionDenied("Only the national centre and regional organised crime units set taskings.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter a title, for example the line's name and what is wanted"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Title must be {TITLE_MAX} characters or fewer"
    line_ids = sorted({line.pk for line in lines})
    if not line_ids:
        errors["lines"] = "Choose at least one line"
    else:
        found = Entity.objects.filter(pk__in=line_ids, kind=EntityKind.LINE, is_active=True).count()
        if found != len(line_ids):
            errors["lines"] = "One of the lines chosen is not a current line: choose again"
    allowed = {org.pk for org in owners_allowed(actor=actor)}
    owner_ids = sorted({owner.pk for owner in owners})
    if not owner_ids:
        errors["owners"] = "Choose at least one owner"
    elif not set(owner_ids) <= allowed:
        errors["owners"] = "You may task only your region's forces (the national centre may task any force or ROCU)"
    if objective not in Objective.values:
        errors["objective"] = "Choose the objective"
    if priority not in TaskingPriority.values:
        errors["priority"] = "Choose the priority"
    if due_date is None:
        errors["due_date"] = "Enter the due date"
    elif due_date < today:
        errors["due_date"] = "The due date must be today or in the future"
    try:
        instructions = _text(instructions, field="instructions", what="the instructions")
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if errors:
        raise ValidationError(errors)
    region = organisation.region if organisation.kind == OrganisationKind.ROCU else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                tasking = Tasking.objects.create(
                    reference=_new_reference(now), title=title, objective=objective, priority=priority,
                    due_date=due_date, instructions=instructions, tasking_organisation=organisation, region=region,
                    created_by=_person(actor) or actor.created_by, created_at=now, nomination=nomination)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 32**4 references a year; five clashes in a row means something else is wrong
        raise RuntimeError("Could not find a free tasking reference.")
    tasking.lines.set(line_ids)
    TaskingOwner.objects.bulk_create([TaskingOwner(tasking=tasking, organisation_id=pk) for pk in owner_ids])
    owner_organisations = list(Organisation.objects.filter(pk__in=owner_ids).order_by("name"))
    _event(tasking, kind=EventKind.CREATED, actor=actor, now=now,
           text=f"{Objective(objective).label}, {TaskingPriority(priority).label.lower()} priority, due "
                f"{long_date(due_date)}. Owners: {', '.join(org.name for org in owner_organisations)}.")
    for owner in owner_organisations:
        notify(organisation=owner, permission=RESPOND_TO_TASKING,
               title=f"New tasking {tasking.reference}: {TaskingPriority(priority).label.lower()} priority",
               text=f"{organisation.name} has tasked {owner.name} to {Objective(objective).label.lower()}: {title}. "
                    f"Due {long_date(due_date)}. Accept or decline it.",
               link=_link(tasking), now=now)
    _audit(AuditAction.CREATE, tasking, actor=actor, request=request, lines=line_ids, owners=owner_ids,
           objective=objective, priority=priority, due_date=due_date)
    return tasking


# --- the owners' part -----------------------------------------------------------------------------
def _owner_row(actor, tasking: Tasking) -> TaskingOwner:
    organisation = _require(actor, RESPOND_TO_TASKING)
    row = TaskingOwner.objects.select_for_update().filter(tasking=tasking, organisation=organisation).first()
    if row is None:
        raise PermissionDenied("Your organisation is not an owner of this tasking.")
    return row


def _settle(tasking: Tasking, *, now: datetime) -> None:
    """The tasking is finished once no owner has work left on it."""
    statuses = set(tasking.owners.values_list("status", flat=True))
    if statuses & {OwnerStatus.AWAITING, OwnerStatus.ACCEPTED} or tasking.status != TaskingStatus.LIVE:
        return
    tasking.status = TaskingStatus.COMPLETED if OwnerStatus.COMPLETED in statuses else TaskingStatus.DECLINED
    tasking.closed_at = now
    tasking.save(update_fields=["status", "closed_at"])


def _tell_coordinators(tasking: Tasking, *, title: str, text: str, now: datetime) -> None:
    notify(organisation=tasking.tasking_organisation, permission=COORDINATE_TASKING, title=title, text=text,
           link=_link(tasking), now=now)


@transaction.atomic
def tasking_respond(*, actor, tasking: Tasking, accept: bool, reason: str = "", request=None,
                    now: datetime | None = None) -> TaskingOwner:
    """An owner accepts, or declines with a reason. Answering again is refused: a change of mind
    is an update (or, to hand work back, a conversation with the co-ordinator)."""
    tasking = _lock(tasking)
    row = _owner_row(actor, tasking)
    now = now or timezone.now()
    if tasking.status != TaskingStatus.LIVE:
        raise ValidationError("This tasking is closed: there is nothing to answer.")
    if row.status != OwnerStatus.AWAITING:
        raise ValidationError(f"{row.organisation.name} has already answered: {row.get_status_display().lower()}.")
    if accept:
        reason = _text(reason, field="reason", what="a note", required=False)
        row.status = OwnerStatus.ACCEPTED
    else:
        reason = _text(reason, field="reason", what="why you are declining")
        row.status, row.decline_reason = OwnerStatus.DECLINED, reason
    row.responded_at, row.responded_by = now, _person(actor)
    row.save(update_fields=["status", "decline_reason", "responded_at", "responded_by"])
    _event(tasking, kind=EventKind.ACCEPTED if accept else EventKind.DECLINED, actor=actor, owner=row, text=reason,
           now=now)
    verb = "accepted" if accept else "declined"
    _tell_coordinators(tasking, title=f"Tasking {tasking.reference} {verb} by {row.organisation.name}",
                       text=f"{row.organisation.name} has {verb} tasking {tasking.reference} ({tasking.title})."
                            + (f" Their reason: {reason}" if not accept else ""), now=now)
    _settle(tasking, now=now)
    _audit(AuditAction.CHANGE, tasking, actor=actor, request=request, owner=row.organisation_id, response=verb)
    return row


@transaction.atomic
def tasking_update(*, actor, tasking: Tasking, text: str, request=None, now: datetime | None = None) -> TaskingEvent:
    """An owner (or the setting co-ordinator) records progress on the timeline."""
    tasking = _lock(tasking)
    now = now or timezone.now()
    owner = None
    if actor.has_perm(RESPOND_TO_TASKING) and tasking.owners.filter(organisation=actor.organisation).exists():
        owner = tasking.owners.get(organisation=actor.organisation)
        if owner.status == OwnerStatus.AWAITING:
            raise ValidationError("Accept the tasking before posting updates on it.")
    elif not (actor.has_perm(COORDINATE_TASKING) and may_manage(user=actor, tasking=tasking)):
        raise PermissionDenied("Only the owners and the setting co-ordinators post updates.")
    if tasking.status != TaskingStatus.LIVE:
        raise ValidationError("This tasking is closed: it takes no more updates.")
    text = _text(text, field="text", what="the update")
    event = _event(tasking, kind=EventKind.UPDATE, actor=actor, owner=owner, text=text, now=now)
    if owner is not None:
        _tell_coordinators(tasking, title=f"Update on tasking {tasking.reference} from {owner.organisation.name}",
                           text=text, now=now)
    _audit(AuditAction.CHANGE, tasking, actor=actor, request=request, update=event.pk)
    return event


@dataclass
class Outcomes:
    closure_type: str = ""
    arrests: int = 0
    charges: int = 0
    safeguarding_referrals: int = 0
    nrm_referrals: int = 0
    summary: str = ""


OUTCOME_LABELS = {
    "arrests": "Arrests", "charges": "Charges", "safeguarding_referrals": "Safeguarding referrals",
    "nrm_referrals": "National Referral Mechanism referrals",
}


@transaction.atomic
def tasking_complete(*, actor, tasking: Tasking, outcomes: Outcomes, request=None,
                     now: datetime | None = None) -> TaskingOwner:
    tasking = _lock(tasking)
    row = _owner_row(actor, tasking)
    now = now or timezone.now()
    if row.status != OwnerStatus.ACCEPTED:
        raise ValidationError("Only an accepted tasking can be completed." if row.status == OwnerStatus.AWAITING
                              else f"{row.organisation.name} has already {row.get_status_display().lower()} it.")
    errors = {}
    if outcomes.closure_type not in ClosureType.values:
        errors["closure_type"] = "Choose whether the line was closed, and how"
    for name, label in OUTCOME_LABELS.items():
        value = getattr(outcomes, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
            errors[name] = f"{label} must be a whole number from 0 to 100,000"
    try:
        summary = _text(outcomes.summary, field="summary", what="what was achieved")
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if errors:
        raise ValidationError(errors)
    row.status, row.completed_at, row.completed_by = OwnerStatus.COMPLETED, now, _person(actor)
    row.closure_type = outcomes.closure_type
    row.arrests, row.charges = outcomes.arrests, outcomes.charges
    row.safeguarding_referrals, row.nrm_referrals = outcomes.safeguarding_referrals, outcomes.nrm_referrals
    row.outcome_summary = summary
    row.save()
    _event(tasking, kind=EventKind.COMPLETED, actor=actor, owner=row, now=now, text=outcome_words(row))
    _tell_coordinators(tasking, title=f"Tasking {tasking.reference} completed by {row.organisation.name}",
                       text=outcome_words(row), now=now)
    _settle(tasking, now=now)
    _audit(AuditAction.CHANGE, tasking, actor=actor, request=request, owner=row.organisation_id, completed=True,
           closure_type=row.closure_type, arrests=row.arrests, charges=row.charges,
           safeguarding_referrals=row.safeguarding_referrals, nrm_referrals=row.nrm_referrals)
    return row


def outcome_words(row: TaskingOwner) -> str:
    closure = ClosureType(row.closure_type).label if row.closure_type else "Line not closed"
    return (f"{closure}. Arrests {row.arrests}, charges {row.charges}, safeguarding referrals "
            f"{row.safeguarding_referrals}, NRM referrals {row.nrm_referrals}. {row.outcome_summary}")


@transaction.atomic
def tasking_cancel(*, actor, tasking: Tasking, reason: str, request=None, now: datetime | None = None) -> Tasking:
    tasking = _lock(tasking)
    _require(actor, COORDINATE_TASKING)
    if not may_manage(user=actor, tasking=tasking):
        raise PermissionDenied("Only the national centre or the co-ordinators who set it may cancel a tasking.")
    if tasking.status != TaskingStatus.LIVE:
        raise ValidationError("This tasking is already closed.")
    now = now or timezone.now()
    reason = _text(reason, field="reason", what="why it is cancelled")
    tasking.status, tasking.closed_at = TaskingStatus.CANCELLED, now
    tasking.save(update_fields=["status", "closed_at"])
    _event(tasking, kind=EventKind.CANCELLED, actor=actor, text=reason, now=now)
    for row in tasking.owners.filter(status__in=(OwnerStatus.AWAITING, OwnerStatus.ACCEPTED)).select_related(
            "organisation"):
        notify(organisation=row.organisation, permission=RESPOND_TO_TASKING,
               title=f"Tasking {tasking.reference} cancelled", text=f"{tasking.title}: {reason}",
               link=_link(tasking), now=now)
    _audit(AuditAction.CHANGE, tasking, actor=actor, request=request, cancelled=True)
    return tasking


# --- local priorities -----------------------------------------------------------------------------
def _nomination_audit(action: str, nomination: Nomination, *, actor, request=None, **detail) -> None:
    audit_record(action=action, object_type=NOMINATION, object_refs=[nomination.pk, f"line {nomination.line_id}"],
                 actor=actor, request=request, detail=detail or None)


@transaction.atomic
def nomination_create(*, actor, line: Entity | None, kind: str, rationale: str, request=None,
                      now: datetime | None = None) -> Nomination:
    """A force puts a line forward: as a local priority, or for regional or national support."""
    organisation = _require(actor, RESPOND_TO_TASKING)
    if organisation.kind != OrganisationKind.POLICE_FORCE:
        raise PermissionDenied("Police forces nominate their local priorities.")
    now = now or timezone.now()
    errors = {}
    if line is None or not _force_may_nominate(organisation, actor, line):
        errors["line"] = "Choose a line your force reports"
    if kind not in NominationKind.values:
        errors["kind"] = "Choose what you are asking for"
    try:
        rationale = _text(rationale, field="rationale", what="why this line matters")
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if not errors and Nomination.objects.filter(line=line, organisation=organisation, kind=kind,
                                                status=NominationStatus.PENDING).exists():
        errors["kind"] = "Your force already has this request waiting for a decision on this line"
    if errors:
        raise ValidationError(errors)
    nomination = Nomination.objects.create(line=line, organisation=organisation, kind=kind, rationale=rationale,
                                           nominated_by=_person(actor), nominated_by_client=_client(actor),
                                           nominated_at=now)
    link = reverse("tasking:nomination", args=[nomination.pk])
    deciders = _deciding_organisations(nomination)
    for decider in deciders:
        notify(organisation=decider, permission=COORDINATE_TASKING,
               title=f"{organisation.name}: {NominationKind(kind).label.lower()} for line {line.pk}",
               text=rationale, link=link, now=now)
    _nomination_audit(AuditAction.CREATE, nomination, actor=actor, request=request, kind=kind)
    return nomination


def _deciding_organisations(nomination: Nomination) -> list[Organisation]:
    """National support: the national centre. Otherwise the force's ROCU (the national centre
    sees every nomination on its own list, without a notice for each)."""
    centre = list(Organisation.objects.filter(kind=OrganisationKind.NATIONAL_CENTRE, is_active=True))
    if nomination.kind == NominationKind.NATIONAL_SUPPORT:
        return centre
    force = nomination.organisation.police_force
    rocu = list(Organisation.objects.filter(kind=OrganisationKind.ROCU, is_active=True,
                                            region_id=force.region_id)) if force and force.region_id else []
    return rocu or centre


@transaction.atomic
def nomination_decide(*, actor, nomination: Nomination, agree: bool, reason: str, request=None,
                      now: datetime | None = None) -> Nomination:
    organisation = _require(actor, COORDINATE_TASKING)
    nomination = Nomination.objects.select_for_update(of=("self",)).select_related("organisation__police_force").get(
        pk=nomination.pk)
    if nomination.status != NominationStatus.PENDING:
        raise ValidationError(f"This nomination has already been decided: {nomination.get_status_display().lower()}.")
    if not may_decide(user=actor, nomination=nomination):
        raise PermissionDenied("Requests for national support are the national centre's to decide; a region "
                               "decides its own forces' nominations.")
    now = now or timezone.now()
    reason = _text(reason, field="reason", what="the reason for your decision")
    nomination.status = NominationStatus.AGREED if agree else NominationStatus.DECLINED
    nomination.decided_by, nomination.decided_by_organisation = _person(actor), organisation
    nomination.decided_by_client = _client(actor)
    nomination.decided_at, nomination.decision_reason = now, reason
    nomination.save(update_fields=["status", "decided_by", "decided_by_client", "decided_by_organisation",
                                   "decided_at", "decision_reason"])
    verb = "agreed" if agree else "declined"
    notify(organisation=nomination.organisation, permission=RESPOND_TO_TASKING,
           title=f"{organisation.name} {verb} your nomination of line {nomination.line_id}",
           text=f"{nomination.get_kind_display()}: {verb}. Reason: {reason}",
           link=reverse("tasking:nomination", args=[nomination.pk]), now=now)
    _nomination_audit(AuditAction.CHANGE, nomination, actor=actor, request=request, decision=verb)
    return nomination


# --- meetings -------------------------------------------------------------------------------------
@transaction.atomic
def meeting_create(*, actor, region, held_on: date | None, request=None, now: datetime | None = None) -> TaskingMeeting:
    """Record a tasking meeting (for its pack, and so the next pack knows where to start from)."""
    organisation = _require(actor, COORDINATE_TASKING)
    if held_on is None:
        raise ValidationError({"held_on": "Enter the date of the meeting"})
    if not is_national_coordinator(actor):
        own = coordinator_region(actor)
        if own is None or region is None or region.pk != own.pk:
            raise PermissionDenied(f"{organisation.name} holds meetings for its own region only.")
    now = now or timezone.now()
    meeting, created = TaskingMeeting.objects.get_or_create(
        region=region, held_on=held_on, defaults={"created_by": actor, "created_at": now})
    if created:
        audit_record(action=AuditAction.CREATE, object_type="tasking.TaskingMeeting", object_refs=[meeting.pk],
                     actor=actor, request=request, detail={"region": region.pk if region else "national",
                                                           "held_on": held_on})
    return meeting


# A pack still "being prepared" this long after it was asked for was lost (the worker stopped
# mid-build): asking again starts a new one rather than waiting for ever.
PACK_GIVEN_UP_AFTER = timedelta(minutes=15)


def meeting_pack_request(*, actor, meeting: TaskingMeeting, request=None,
                         now: datetime | None = None) -> tuple[MeetingPack, bool]:
    """Ask for a meeting's PDF pack: queue it for the worker, or, if one this person asked for is
    still being prepared, give that one back (created False). The pack row and the queued task
    commit together: the task queue lives in the same database, so neither exists without the other."""
    from crossline.tasking.tasks import meeting_pack_build

    _require(actor, COORDINATE_TASKING)
    if not meetings_visible_to(user=actor).filter(pk=meeting.pk).exists():
        raise PermissionDenied("That meeting is another region's.")
    now = now or timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                TaskingMeeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one request at a time
                waiting = MeetingPack.objects.filter(meeting=meeting, requested_by=actor,
                                                     status__in=PACK_IN_PROGRESS).first()
                if waiting is not None and waiting.requested_at >= now - PACK_GIVEN_UP_AFTER:
                    return waiting, False
                if waiting is not None:
                    waiting.status, waiting.finished_at = PackStatus.FAILED, now
                    waiting.failure = "It was not ready in time, so a new one was started."
                    waiting.save(update_fields=["status", "finished_at", "failure"])
                pack = MeetingPack.objects.create(meeting=meeting, requested_by=actor, requested_at=now)
                meeting_pack_build.enqueue(pack_id=pack.pk)
                audit_record(action=AuditAction.CREATE, object_type="tasking.MeetingPack", actor=actor,
                             request=request, object_refs=[pack.pk, f"meeting {meeting.pk}"],
                             detail={"region": meeting.region_id or "national", "held_on": meeting.held_on})
                return pack, True
        except IntegrityError:
            continue  # another request made one between our look and our insert: look again
    raise RuntimeError("Could not queue the pack.")  # pragma: no cover - two clashes in a row


# --- changes through the API, once per Idempotency-Key ----------------------------------------------
def api_request_once(*, actor, idempotency_key: str, fingerprint: str, operation: str,
                     change: Callable[[], Tasking | Nomination], request=None) -> tuple[ApiRequest, bool]:
    """Make `change` (one of the services above, returning the tasking or nomination it changed)
    once per Idempotency-Key of the client's organisation. The same key and fingerprint again give
    the first request back (replayed True) and change nothing; another fingerprint raises
    IdempotencyConflict; a request holding the key right now, RequestInFlight. A change the
    service refuses stores no key, so a corrected retry may use it."""
    organisation = _organisation_of(actor)
    key_check(idempotency_key)
    try:
        with transaction.atomic():
            if not key_lock("tasking.api", organisation.pk, idempotency_key):
                raise RequestInFlight
            done = ApiRequest.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
            if done is not None:
                if done.request_fingerprint != fingerprint:
                    raise IdempotencyConflict
                # The first answer again: a disclosure of what it shows, like a read (LOG-01).
                object_type, ref = (NOMINATION, done.nomination_id) if done.nomination_id else (TASKING,
                                                                                                 done.tasking_id)
                audit_record(action=AuditAction.DISCLOSE, object_type=object_type, actor=actor, request=request,
                             object_refs=[ref], recipients=[organisation.name],
                             detail={"api": operation, "replayed": True})
                return done, True
            changed = change()
            made = ApiRequest.objects.create(
                organisation=organisation, idempotency_key=idempotency_key, request_fingerprint=fingerprint,
                operation=operation, machine_client=_client(actor), created_at=timezone.now(),
                tasking=changed if isinstance(changed, Tasking) else None,
                nomination=changed if isinstance(changed, Nomination) else None)
            return made, False
    except IdempotencyConflict:
        with transaction.atomic():
            audit_record(action=AuditAction.CHANGE, object_type=TASKING, actor=actor, request=request,
                         detail={"api": operation, "refused": "idempotency_key_reused"})
        raise

