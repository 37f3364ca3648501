"""The background chase: overdue taskings, and deconfliction between organisations.

`tasking_chase()` is what `crossline tasking chase` and the `tasking_chase` task run. It is safe
to run as often as wanted, and two at once: every message is sent in the transaction that writes
the row saying it was sent (`TaskingChase`, `DeconflictionNotice`), whose unique constraint lets
only one run write it; e-mails are queued in that same transaction (the task queue is in the
database: the outbox). A run that dies part way has sent exactly what it committed; the next
run sends the rest.

Overdue: an owner that has not finished a live tasking past its due date is chased, then again
every `TASKING_CHASE_EVERY_DAYS` (7) days while it stays overdue.

Deconfliction: two organisations "meet" on a tasked line when both are working on it or on a
person or place connected to it (a record of the line's in a current return links to them):
through a live tasking, or through a national return accepted in the last
`TASKING_RECENT_ACTIVITY_DAYS` (60) days that reports it. At least one of the two must hold a
live tasking (crossover alone is linkage's to tell), and co-owners of the same tasking already
know of each other. Each pair is told once per meeting point: not again on later runs, nor
again from the other organisation's side.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import RESPOND_TO_TASKING
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.linkage.models import Entity, EntityMember
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.returns.models import RecordLink
from crossline.tasking.models import (
    DeconflictionNotice,
    EventKind,
    Tasking,
    TaskingChase,
    TaskingEvent,
    TaskingOwner,
)
from crossline.tasking.notices import long_date, notify
from crossline.tasking.selectors import line_ids_current, live_owner_rows, overdue_owner_rows

# Sheets whose records, linked to a line in a return, make the line's network.
CONNECTED_SHEETS = {"people": "person", "locations": "location"}


def chase_every() -> timedelta:
    return timedelta(days=getattr(settings, "TASKING_CHASE_EVERY_DAYS", 7))


def recent_activity() -> timedelta:
    return timedelta(days=getattr(settings, "TASKING_RECENT_ACTIVITY_DAYS", 60))


@dataclass
class ChaseRun:
    today: date
    chased: list[TaskingChase] = field(default_factory=list)
    deconflictions: list[DeconflictionNotice] = field(default_factory=list)


def tasking_chase(*, now: datetime | None = None) -> ChaseRun:
    now = now or timezone.now()
    run = ChaseRun(today=timezone.localdate(now))
    for row in overdue_owner_rows(today=run.today):
        recent = TaskingChase.objects.filter(owner=row, due_date=row.tasking.due_date,
                                             sent_on__gt=run.today - chase_every())
        if recent.exists():
            continue
        chase = _chase_send(row, today=run.today, now=now)
        if chase is not None:
            run.chased.append(chase)
    run.deconflictions = deconflictions_send(now=now)
    return run


@transaction.atomic
def _chase_send(row: TaskingOwner, *, today: date, now: datetime) -> TaskingChase | None:
    try:
        with transaction.atomic():
            chase = TaskingChase.objects.create(owner=row, sent_on=today, due_date=row.tasking.due_date,
                                                created_at=now)
    except IntegrityError:
        return None  # another run chased it today
    tasking = row.tasking
    days = (today - tasking.due_date).days
    overdue = f"{days} day{'s' if days != 1 else ''} overdue"
    waiting = "has not been accepted or declined" if row.status == "awaiting" else "has not been completed"
    chase.recipients = notify(
        organisation=row.organisation, permission=RESPOND_TO_TASKING,
        title=f"Tasking {tasking.reference} is {overdue}",
        text=f"Tasking {tasking.reference} ({tasking.title}) was due on {long_date(tasking.due_date)} and {waiting} "
             f"by {row.organisation.name}. Update it, complete it, or tell {tasking.tasking_organisation.name} why "
             "it is delayed.",
        link=reverse("tasking:detail", args=[tasking.reference]), now=now)
    chase.save(update_fields=["recipients"])
    TaskingEvent.objects.create(tasking=tasking, owner=row, kind=EventKind.CHASED, at=now,
                                text=f"{row.organisation.name} chased: {overdue} ({chase.recipients} "
                                     f"{'person' if chase.recipients == 1 else 'people'} told).")
    audit_record(action=AuditAction.DISCLOSE, object_type="tasking.Tasking", object_refs=[tasking.pk, tasking.reference],
                 recipients=[row.organisation.name],
                 detail={"chase": chase.pk, "owner": row.organisation_id, "days_overdue": days,
                         "people": chase.recipients})
    return chase


# --- deconfliction --------------------------------------------------------------------------------
def connected_entities(line_ids: set[int]) -> dict[int, set[int]]:
    """line entity -> the person and place entities its current records link to (the platform's
    own read: who is told learns only that another organisation works on it)."""
    members = list(EntityMember.objects.filter(entity_id__in=line_ids, national_return__is_current=True)
                   .values_list("entity_id", "national_return_id", "ref"))
    refs_by_return: dict[int, dict[str, int]] = defaultdict(dict)
    for entity_id, return_id, ref in members:
        refs_by_return[return_id][ref] = entity_id
    connected: dict[int, set[int]] = {pk: set() for pk in line_ids}
    for return_id, refs in refs_by_return.items():
        linked = RecordLink.objects.filter(national_return_id=return_id, to_sheet="lines", to_ref__in=list(refs),
                                           from_sheet__in=list(CONNECTED_SHEETS)).values_list(
            "from_sheet", "from_ref", "to_ref")
        wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
        for from_sheet, from_ref, to_ref in linked:
            wanted[(CONNECTED_SHEETS[from_sheet], from_ref)].add(refs[to_ref])
        for kind in set(CONNECTED_SHEETS.values()):
            kind_refs = [ref for (k, ref) in wanted if k == kind]
            if not kind_refs:
                continue
            for entity_id, ref in EntityMember.objects.filter(kind=kind, national_return_id=return_id,
                                                              ref__in=kind_refs).values_list("entity_id", "ref"):
                for line in wanted[(kind, ref)]:
                    connected[line].add(entity_id)
    return connected


@dataclass
class _Meeting:
    lines: set = field(default_factory=set)  # tasked lines where the pair meets
    shared: set = field(default_factory=set)  # (kind, entity id) they meet on
    taskings: set = field(default_factory=set)  # tasking ids involved
    reasons: dict = field(default_factory=dict)  # organisation id -> words


def deconflictions_find(*, now: datetime) -> dict[tuple[int, int], _Meeting]:
    """(first organisation id, second organisation id) -> where and why they meet."""
    owned: dict[int, dict[int, set[Tasking]]] = defaultdict(lambda: defaultdict(set))  # line -> org -> taskings
    rows = list(live_owner_rows().prefetch_related("tasking__lines"))
    all_lines = {line.pk for row in rows for line in row.tasking.lines.all()}
    current = line_ids_current(all_lines)
    for row in rows:
        for line in row.tasking.lines.all():
            owned[current.get(line.pk, line.pk)][row.organisation_id].add(row.tasking)
    if not owned:
        return {}
    connected = connected_entities(set(owned))
    kinds = dict(Entity.objects.filter(pk__in={e for es in connected.values() for e in es} | set(owned))
                 .values_list("pk", "kind"))
    # Who is on each entity, and why: taskings first, then recent returns.
    on_entity: dict[int, dict[int, str]] = defaultdict(dict)
    taskings_on: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for line, by_org in owned.items():
        for entity in {line} | connected[line]:
            for org, taskings in by_org.items():
                refs = ", ".join(sorted(t.reference for t in taskings))
                on_entity[entity].setdefault(org, f"has a live tasking ({refs})")
                taskings_on[entity][org] |= {t.pk for t in taskings}
    force_orgs = dict(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE, is_active=True).values_list(
        "police_force_id", "pk"))
    since = now - recent_activity()
    for entity, force, accepted in EntityMember.objects.filter(
            entity_id__in=list(on_entity), national_return__is_current=True,
            national_return__accepted_at__gte=since).values_list("entity_id", "force_id",
                                                                 "national_return__accepted_at").distinct():
        org = force_orgs.get(force)
        if org is not None:
            on_entity[entity].setdefault(org, f"reported in a national return accepted on {long_date(accepted)}")
    meetings: dict[tuple[int, int], _Meeting] = defaultdict(_Meeting)
    for line, by_org in owned.items():
        co_owners = {frozenset((a, b)) for a in by_org for b in by_org if a != b and by_org[a] & by_org[b]}
        for entity in {line} | connected[line]:
            present = on_entity.get(entity, {})
            for owner in by_org:
                for other in present:
                    if other == owner or frozenset((owner, other)) in co_owners:
                        continue
                    pair = (min(owner, other), max(owner, other))
                    meeting = meetings[pair]
                    meeting.lines.add(line)
                    meeting.shared.add((kinds.get(entity, "line"), entity))
                    meeting.taskings |= {t.pk for t in by_org[owner]} | taskings_on[entity].get(other, set())
                    meeting.reasons.setdefault(owner, present.get(owner) or on_entity[line][owner])
                    meeting.reasons.setdefault(other, present[other])
    return dict(meetings)


def deconflictions_send(*, now: datetime | None = None) -> list[DeconflictionNotice]:
    now = now or timezone.now()
    sent = []
    for (first, second), meeting in sorted(deconflictions_find(now=now).items()):
        told = DeconflictionNotice.objects.filter(first_organisation_id=first, second_organisation_id=second,
                                                  line_id__in=meeting.lines)
        if told.exists():
            continue
        notice = _deconfliction_send(first, second, meeting, now=now)
        if notice is not None:
            sent.append(notice)
    return sent


@transaction.atomic
def _deconfliction_send(first: int, second: int, meeting: _Meeting, *, now: datetime) -> DeconflictionNotice | None:
    line = min(meeting.lines)
    try:
        with transaction.atomic():
            notice = DeconflictionNotice.objects.create(
                line_id=line, first_organisation_id=first, second_organisation_id=second,
                shared_entities=[{"kind": kind, "entity": entity} for kind, entity in sorted(meeting.shared)],
                reasons={str(org): words for org, words in meeting.reasons.items()}, created_at=now)
    except IntegrityError:
        return None  # another run told them
    notice.taskings.set(meeting.taskings)
    organisations = Organisation.objects.in_bulk([first, second])
    link = reverse("tasking:deconfliction", args=[notice.pk])
    what = _shared_words(meeting.shared)
    for me, them in ((first, second), (second, first)):
        notify(organisation=organisations[me], permission=RESPOND_TO_TASKING,
               title=f"Deconfliction: {organisations[them].name} is also working on line {line}",
               text=f"{organisations[them].name} and your organisation meet on {what}. "
                    f"{organisations[them].name}: {meeting.reasons[them]}. Your organisation: "
                    f"{meeting.reasons[me]}. Contact them before acting.",
               link=link, now=now)
    for tasking in Tasking.objects.filter(pk__in=meeting.taskings):
        TaskingEvent.objects.create(tasking=tasking, kind=EventKind.DECONFLICTION, at=now,
                                    text=f"{organisations[first].name} and {organisations[second].name} told that "
                                         f"both are working on {what}.")
    audit_record(action=AuditAction.DISCLOSE, object_type="tasking.DeconflictionNotice", object_refs=[notice.pk],
                 recipients=[organisations[first].name, organisations[second].name],
                 detail={"line": line, "shared": notice.shared_entities, "taskings": sorted(meeting.taskings)})
    return notice


def _shared_words(shared: set) -> str:
    """ "line 28, 3 people and 2 places tied to it": counts only, the page lists them."""
    lines = sorted(entity for kind, entity in shared if kind == "line")
    people = sum(1 for kind, _ in shared if kind == "person")
    places = sum(1 for kind, _ in shared if kind == "location")
    parts = [f"line {', '.join(str(pk) for pk in lines)}"] if lines else []
    tied = [f"{people} {'person' if people == 1 else 'people'}" if people else "",
            f"{places} {'place' if places == 1 else 'places'}" if places else ""]
    tied = [part for part in tied if part]
    if tied:
        parts.append(" and ".join(tied) + (" tied to it" if lines else " tied to the tasked line"))
    return ", ".join(parts) or "the same line"
