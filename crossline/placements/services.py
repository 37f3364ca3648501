"""Everything that can happen to a placement notification. Each write checks who is acting, changes
the notification, queues what must be sent (the outbox) and writes the timeline and the audit
trail, all in one transaction."""

import logging
import secrets
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crossline.accounts.roles import ACKNOWLEDGE_PLACEMENT, CREATE_PLACEMENT
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.idempotency import key_check, key_lock
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.organisations.selectors import national_centre
from crossline.placements import conf
from crossline.placements.crossmatch import crossmatch_child
from crossline.placements.details import PlacementDetails
from crossline.placements.models import (
    HOST_PURPOSES,
    Acknowledgement,
    CrossmatchHit,
    DeliveryChannel,
    MissingEpisode,
    PlacementNotification,
    Purpose,
    Status,
)
from crossline.placements.outbox import OBJECT_TYPE, deliveries_cancel_pending, deliveries_create
from crossline.placements.routing import (
    council_organisation_for,
    force_organisation_for,
    home_force_of,
    route_placement,
)
from crossline.placements.timeline import timeline_add
from crossline.reference.models import PoliceForce

logger = logging.getLogger("crossline.placements")
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O or U to misread


class IdempotencyConflict(Exception):  # noqa: N818 - named for what the caller is told
    """The Idempotency-Key was used before with a different request (API: 422)."""


class NotificationInFlight(Exception):  # noqa: N818
    """Another request with this Idempotency-Key is being handled right now (API: 409)."""


def _reference() -> str:
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"PN-{chars[:4]}-{chars[4:]}"


def _organisation_of(actor) -> Organisation:
    organisation = getattr(actor, "organisation", None)
    if organisation is None:
        raise PermissionDenied("You need to belong to an organisation to do this.")
    return organisation


def _require(actor, permission: str) -> Organisation:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied("Your role does not allow this.")
    return _organisation_of(actor)


def _lock(notification: PlacementNotification) -> PlacementNotification:
    """The notification as it is now, held until the transaction ends, so that acknowledging,
    routing and escalating one notification never interleave."""
    return PlacementNotification.objects.select_for_update(of=("self",)).select_related(
        "placing_council", "host_force_organisation").get(pk=notification.pk)


def _audit(action: str, notification: PlacementNotification, *, actor=None, request=None, **detail) -> None:
    audit_record(action=action, object_type=OBJECT_TYPE, object_refs=[notification.uuid, notification.reference],
                 actor=actor, request=request, detail=detail or None)


# --- Making a notification --------------------------------------------------------------------
@transaction.atomic
def placement_notify(
    *,
    details: PlacementDetails,
    actor,
    confirmed_host_force_code: str | None = None,
    moved_from: PlacementNotification | None = None,
    idempotency_key: str = "",
    request_fingerprint: str = "",
    request=None,
    now: datetime | None = None,
) -> PlacementNotification:
    """Make, route and queue a notification for the actor's council; ValidationError for bad details.

    `actor` is a council user or a council's machine client holding `create_placement`.
    `moved_from` is the same child's current notification, which this one replaces (a move)."""
    council = _require(actor, CREATE_PLACEMENT)
    now = now or timezone.now()
    details = details.checked(today=timezone.localdate(now))
    if moved_from is not None:
        moved_from = _lock(moved_from)
        if moved_from.placing_council_id != council.pk:
            raise PermissionDenied("Only the placing council can move a child it placed.")
        if not moved_from.is_open:
            raise ValidationError({"moved_from": "That placement has already ended."})

    route = route_placement(details.postcode, confirmed_force_code=confirmed_host_force_code)
    home_force = home_force_of(council)
    notification = PlacementNotification.objects.create(
        reference=_reference(), placing_council=council, created_at=now, moved_from=moved_from,
        created_by=None if hasattr(actor, "scopes") else actor,
        machine_client=actor if hasattr(actor, "scopes") else None,
        idempotency_key=idempotency_key, request_fingerprint=request_fingerprint,
        **details.as_fields(),
        postcode_district=route.location.district or "", location_confidence=route.location.confidence,
        host_force_confirmed_by_placer=route.confirmed_by_placer, host_force=route.host_force,
        host_local_authority=route.host_local_authority, home_force=home_force,
        host_force_organisation=route.host_force_organisation,
        status=Status.IN_TRIAGE if route.to_triage else Status.AWAITING_ACKNOWLEDGEMENT,
        routed_at=None if route.to_triage else now,
    )
    how = "by the council's case system" if hasattr(actor, "scopes") else ""
    timeline_add(notification=notification, at=now, actor=actor, title=f"Made by {council.name}", detail=how)

    if route.to_triage:
        deliveries_create(notification=notification, recipient=national_centre(), purpose=Purpose.TRIAGE, now=now)
        timeline_add(notification=notification, at=now, title="Sent to the national triage desk", detail=route.reason)
    else:
        deliveries_create(notification=notification, recipient=route.host_force_organisation,
                          purpose=Purpose.HOST_FORCE, now=now)
        timeline_add(notification=notification, at=now, title=f"Routed to {route.host_force_organisation.name}",
                     detail=route.reason)
    _tell_home_force(notification, now=now)
    _tell_host_council(notification, now=now)
    _crossmatch(notification, now=now)
    if moved_from is not None:
        _end(moved_from, actor=actor, now=now, ended_on=details.start_date, status=Status.MOVED,
             reason=f"The child moved to a new placement ({notification.reference}).")
    _audit(AuditAction.CREATE, notification, actor=actor, request=request,
           routed_to="triage" if route.to_triage else route.host_force.code,
           confidence=route.location.confidence, moved_from=moved_from.reference if moved_from else "")
    _nudge_the_worker()
    return notification


def _tell_home_force(notification: PlacementNotification, *, now: datetime) -> None:
    home = force_organisation_for(notification.home_force)
    if home is None or home.pk == notification.host_force_organisation_id:
        return
    deliveries_create(notification=notification, recipient=home, purpose=Purpose.HOME_FORCE, now=now)


def _tell_host_council(notification: PlacementNotification, *, now: datetime) -> None:
    authority = notification.host_local_authority
    council = council_organisation_for(authority)
    if council is not None and council.pk != notification.placing_council_id:
        deliveries_create(notification=notification, recipient=council, purpose=Purpose.HOST_COUNCIL, now=now)
    elif council is None and authority is not None:
        timeline_add(notification=notification, at=now, title=f"{authority.name} council is not on Crossline",
                     detail="The placing council tells the host council directly, as the care planning "
                            "regulations require.")


def _crossmatch(notification: PlacementNotification, *, now: datetime) -> None:
    matches = crossmatch_child(notification)
    CrossmatchHit.objects.bulk_create([
        CrossmatchHit(notification=notification, force=match.force, person_id=match.person_id,
                      record_ref=match.record_ref, strength=match.strength, matched_at=now)
        for match in matches
    ])
    forces = sorted({match.force for match in matches}, key=lambda force: force.name)
    for force in forces:
        organisation = force_organisation_for(force)
        if organisation is not None:
            deliveries_create(notification=notification, recipient=organisation, purpose=Purpose.CROSSMATCH, now=now)
    if forces:
        timeline_add(notification=notification, at=now, police_only=True, title="Match alert",
                     detail="National returns hold records that may be this child: "
                            + ", ".join(force.force_name for force in forces) + ".")
    else:
        timeline_add(notification=notification, at=now, police_only=True, title="No match in national returns")
    audit_record(action=AuditAction.LINK, object_type=OBJECT_TYPE, object_refs=[notification.uuid],
                 recipients=[force.force_name for force in forces],
                 detail={"matches": len(matches), "people": [match.person_id for match in matches]})


def _nudge_the_worker() -> None:
    """Queue a dispatch for the background worker (in this transaction, as the task queue is in
    the database). Only a nudge: the deliveries are the outbox and `crossline placements dispatch`
    sends them whether or not this runs."""
    from crossline.placements.tasks import deliveries_dispatch

    try:
        with transaction.atomic():
            deliveries_dispatch.enqueue()
    except Exception as error:  # noqa: BLE001 - a missing nudge delays sending by a poll at most
        logger.warning("could not queue a placement dispatch: %s", type(error).__name__)


def placement_notify_once(*, idempotency_key: str, request_fingerprint: str, actor, request=None,
                          **kwargs) -> tuple[PlacementNotification, bool]:
    """`placement_notify` for the API: the same key and body give the original notification back
    (created False); the same key with another body raises IdempotencyConflict."""
    council = _require(actor, CREATE_PLACEMENT)
    try:
        key_check(idempotency_key)
    except ValidationError as error:
        raise ValidationError({"idempotency_key": error.messages}) from error
    try:
        with transaction.atomic():
            if not key_lock("placements.notification", council.pk, idempotency_key):
                raise NotificationInFlight
            existing = PlacementNotification.objects.filter(placing_council=council,
                                                            idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.request_fingerprint != request_fingerprint:
                    raise IdempotencyConflict
                _audit_replay(existing, actor=actor, request=request)
                return existing, False
            return placement_notify(actor=actor, idempotency_key=idempotency_key,
                                    request_fingerprint=request_fingerprint, request=request, **kwargs), True
    except IdempotencyConflict:
        with transaction.atomic():
            audit_record(action=AuditAction.CREATE, object_type=OBJECT_TYPE, actor=actor, request=request,
                         detail={"refused": "idempotency_key_reused"})
        raise
    except IntegrityError:
        # Another process committed the same key between our look and our insert.
        existing = PlacementNotification.objects.get(placing_council=council, idempotency_key=idempotency_key)
        if existing.request_fingerprint != request_fingerprint:
            raise IdempotencyConflict from None
        with transaction.atomic():
            _audit_replay(existing, actor=actor, request=request)
        return existing, False


def _audit_replay(notification: PlacementNotification, *, actor, request) -> None:
    """A replay answers with the notification again: that is a read of the child's record (LOG-01)."""
    audit_record(action=AuditAction.VIEW, object_type=OBJECT_TYPE, actor=actor, request=request,
                 object_refs=[notification.uuid], detail={"api": True, "replayed": True})


# --- The host force ---------------------------------------------------------------------------
def _require_host_force(actor, notification: PlacementNotification) -> Organisation:
    organisation = _require(actor, ACKNOWLEDGE_PLACEMENT)
    if notification.host_force_organisation_id != organisation.pk:
        raise PermissionDenied("Only the host force can do this.")
    return organisation


@transaction.atomic
def placement_acknowledge(*, notification: PlacementNotification, user, local_intelligence_checked: bool,
                          risk_management_plan: str, named_officer: str, named_officer_contact: str,
                          request=None, now: datetime | None = None) -> Acknowledgement:
    """The host force says it has the notification and what it has done. Acknowledging again
    changes nothing and gives the first acknowledgement back (the attempt is audited)."""
    notification = _lock(notification)
    organisation = _require_host_force(user, notification)
    now = now or timezone.now()
    existing = Acknowledgement.objects.filter(notification=notification).first()
    if existing is not None:
        _audit(AuditAction.CHANGE, notification, actor=user, request=request, acknowledged="already")
        return existing
    if notification.status != Status.AWAITING_ACKNOWLEDGEMENT:
        raise ValidationError("This placement has ended: there is nothing to acknowledge.")
    errors = {}
    if not risk_management_plan.strip():
        errors["risk_management_plan"] = "Describe the risk management plan"
    if not named_officer.strip():
        errors["named_officer"] = "Enter the name of the officer responsible"
    if not named_officer_contact.strip():
        errors["named_officer_contact"] = "Enter how to contact the named officer"
    if errors:
        raise ValidationError(errors)
    acknowledgement = Acknowledgement.objects.create(
        notification=notification, organisation=organisation, acknowledged_by=user, acknowledged_at=now,
        local_intelligence_checked=local_intelligence_checked, risk_management_plan=risk_management_plan.strip(),
        named_officer=named_officer.strip()[:200], named_officer_contact=named_officer_contact.strip()[:200],
    )
    notification.status, notification.acknowledged_at = Status.ACKNOWLEDGED, now
    notification.save(update_fields=["status", "acknowledged_at"])
    late = notification.routed_at is not None and now - notification.routed_at > conf.supervisors_after()
    timeline_add(notification=notification, at=now, actor=user, title=f"Acknowledged by {organisation.name}",
                 detail=("Local intelligence checked. " if local_intelligence_checked else
                         "Local intelligence not yet checked. ") + ("Acknowledged late." if late else ""))
    _audit(AuditAction.CHANGE, notification, actor=user, request=request, acknowledged="now", late=late)
    return acknowledgement


@transaction.atomic
def placement_decline(*, notification: PlacementNotification, user, reason: str, request=None,
                      now: datetime | None = None) -> PlacementNotification:
    """The host force says the placement is not in its area: the triage desk decides instead."""
    notification = _lock(notification)
    organisation = _require_host_force(user, notification)
    now = now or timezone.now()
    if notification.status != Status.AWAITING_ACKNOWLEDGEMENT:
        raise ValidationError("Only a notification waiting for acknowledgement can be passed back.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the placement is not in your force's area"})
    deliveries_cancel_pending(notification=notification, purposes=[*HOST_PURPOSES, Purpose.SUPERVISORS], now=now)
    notification.status, notification.host_force_organisation = Status.IN_TRIAGE, None
    notification.routed_at = notification.supervisors_alerted_at = notification.duty_desk_alerted_at = None
    notification.save(update_fields=["status", "host_force_organisation", "routed_at", "supervisors_alerted_at",
                                     "duty_desk_alerted_at"])
    deliveries_create(notification=notification, recipient=national_centre(), purpose=Purpose.TRIAGE, now=now)
    timeline_add(notification=notification, at=now, actor=user, title=f"Passed back by {organisation.name}",
                 detail=f"Not in the force's area: {reason.strip()[:300]}")
    _audit(AuditAction.CHANGE, notification, actor=user, request=request, declined_by=organisation.name)
    return notification


@transaction.atomic
def placement_missing_record(*, notification: PlacementNotification, user, went_missing_at: datetime,
                             returned_at: datetime | None, police_reference: str, circumstances: str = "",
                             request=None, now: datetime | None = None) -> MissingEpisode:
    """The host force records that the child went missing from the placement. Repeated episodes
    are flagged to the placing council."""
    notification = _lock(notification)
    organisation = _require_host_force(user, notification)
    now = now or timezone.now()
    errors = {}
    if went_missing_at > now:
        errors["went_missing_at"] = "The time the child went missing must be in the past"
    if returned_at is not None and returned_at < went_missing_at:
        errors["returned_at"] = "The time the child came back must be after they went missing"
    if returned_at is not None and returned_at > now:
        errors["returned_at"] = "The time the child came back must be in the past"
    if not police_reference.strip():
        errors["police_reference"] = "Enter your force's reference for the missing episode"
    if errors:
        raise ValidationError(errors)
    episode = MissingEpisode.objects.create(
        notification=notification, organisation=organisation, recorded_by=user, recorded_at=now,
        went_missing_at=went_missing_at, returned_at=returned_at, police_reference=police_reference.strip()[:50],
        circumstances=circumstances.strip(),
    )
    timeline_add(notification=notification, at=now, actor=user, title=f"Missing episode recorded by {organisation.name}")
    recent = notification.missing_episodes.filter(went_missing_at__gte=now - conf.repeat_missing_window()).count()
    if recent >= conf.repeat_missing_episodes():
        deliveries_create(notification=notification, recipient=notification.placing_council,
                          purpose=Purpose.REPEAT_MISSING, now=now)
        timeline_add(notification=notification, at=now,
                     title=f"Repeated missing episodes flagged to {notification.placing_council.name}",
                     detail=f"{recent} episodes in the last {conf.repeat_missing_window().days} days.")
    _audit(AuditAction.CREATE, notification, actor=user, request=request, missing_episode=episode.pk,
           recent_episodes=recent)
    return episode


# --- The triage desk --------------------------------------------------------------------------
@transaction.atomic
def placement_route(*, notification: PlacementNotification, user, force: PoliceForce, note: str = "",
                    request=None, now: datetime | None = None) -> PlacementNotification:
    """The national triage desk sends a notification it holds to the force it has found covers the placement."""
    notification = _lock(notification)
    organisation = _require(user, ACKNOWLEDGE_PLACEMENT)
    if organisation.kind != OrganisationKind.NATIONAL_CENTRE:
        raise PermissionDenied("Only the national triage desk routes notifications.")
    now = now or timezone.now()
    if notification.status != Status.IN_TRIAGE:
        raise ValidationError("This notification is not with the triage desk.")
    host = force_organisation_for(force)
    if host is None:
        raise ValidationError({"force": f"{force.force_name} does not use Crossline: contact them directly."})
    deliveries_cancel_pending(notification=notification, purposes=HOST_PURPOSES, now=now)
    notification.status, notification.host_force, notification.host_force_organisation = (
        Status.AWAITING_ACKNOWLEDGEMENT, force, host)
    notification.routed_at, notification.supervisors_alerted_at, notification.duty_desk_alerted_at = now, None, None
    notification.save(update_fields=["status", "host_force", "host_force_organisation", "routed_at",
                                     "supervisors_alerted_at", "duty_desk_alerted_at"])
    deliveries_create(notification=notification, recipient=host, purpose=Purpose.HOST_FORCE, now=now)
    timeline_add(notification=notification, at=now, actor=user, title=f"Routed to {host.name} by the triage desk",
                 detail=note.strip()[:300])
    _audit(AuditAction.CHANGE, notification, actor=user, request=request, routed_to=force.code)
    return notification


# --- The placing council ----------------------------------------------------------------------
@transaction.atomic
def placement_end(*, notification: PlacementNotification, user, ended_on: date, reason: str, request=None,
                  now: datetime | None = None) -> PlacementNotification:
    notification = _lock(notification)
    council = _require(user, CREATE_PLACEMENT)
    if notification.placing_council_id != council.pk:
        raise PermissionDenied("Only the placing council can end a placement.")
    now = now or timezone.now()
    errors = {}
    if not notification.is_open:
        raise ValidationError("This placement has already ended.")
    if ended_on > timezone.localdate(now):
        errors["ended_on"] = "The date the placement ended must be today or in the past"
    elif ended_on < notification.start_date:
        errors["ended_on"] = "The placement cannot end before it started"
    if not reason.strip():
        errors["reason"] = "Say why the placement ended"
    if errors:
        raise ValidationError(errors)
    _end(notification, actor=user, now=now, ended_on=ended_on, status=Status.ENDED, reason=reason.strip())
    _audit(AuditAction.CHANGE, notification, actor=user, request=request, ended_on=ended_on)
    return notification


def _end(notification: PlacementNotification, *, actor, now: datetime, ended_on: date, status: str,
         reason: str) -> None:
    notification.status, notification.ended_on, notification.end_reason = status, ended_on, reason[:300]
    notification.save(update_fields=["status", "ended_on", "end_reason"])
    told = {notification.host_force_organisation, force_organisation_for(notification.home_force)} - {None}
    for organisation in sorted(told, key=lambda org: org.pk):
        deliveries_create(notification=notification, recipient=organisation, purpose=Purpose.PLACEMENT_ENDED, now=now,
                          channels=(DeliveryChannel.IN_SERVICE,))
    title = "Child moved to a new placement" if status == Status.MOVED else "Placement ended"
    timeline_add(notification=notification, at=now, actor=actor, title=title, detail=reason)


def inbox_items_mark_read(*, notification: PlacementNotification, user, now: datetime | None = None) -> int:
    """The first time someone in a recipient organisation opens the notification, the timeline says so."""
    now = now or timezone.now()
    organisation_id = getattr(user, "organisation_id", None)
    with transaction.atomic():
        unread = notification.inbox_items.filter(recipient_id=organisation_id, read_at__isnull=True)
        count = unread.update(read_at=now)
        if count:
            timeline_add(notification=notification, at=now, actor=user, title=f"Opened by {user.organisation.name}")
    return count

