"""Reads of taskings and nominations, scoped to who is asking.

Who sees a tasking:
- the national centre's co-ordinators: every tasking;
- a ROCU's co-ordinators: the taskings of their region (set by the ROCU, or owned by one of the
  region's forces), and those their ROCU owns;
- an owner organisation's people who respond to taskings: the taskings their organisation owns.
Nominations: the nominating force sees its own; co-ordinators see those they may decide (the
nation, or their region's forces).

A line entity retired into another by a later resolution run is followed to the entity that
took it (`line_ids_current`), so a tasking set before a merge is still found from the line now.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from crossline.accounts.roles import COORDINATE_TASKING, RESPOND_TO_TASKING
from crossline.linkage.models import Entity
from crossline.organisations.models import OrganisationKind
from crossline.reference.models import Region
from crossline.tasking.models import (
    LIVE_OWNER_STATUSES,
    MeetingPack,
    Nomination,
    NominationStatus,
    Tasking,
    TaskingMeeting,
    TaskingOwner,
    TaskingStatus,
)


def _organisation(user):
    return getattr(user, "organisation", None)


def is_national_coordinator(user) -> bool:
    organisation = _organisation(user)
    return bool(organisation and organisation.kind == OrganisationKind.NATIONAL_CENTRE
                and user.has_perm(COORDINATE_TASKING))


def coordinator_region(user):
    """The region a regional co-ordinator works for; None for anyone else."""
    organisation = _organisation(user)
    if organisation and organisation.kind == OrganisationKind.ROCU and user.has_perm(COORDINATE_TASKING):
        return organisation.region
    return None


def _with_owners(taskings: QuerySet[Tasking]) -> QuerySet[Tasking]:
    return taskings.select_related("tasking_organisation", "region", "created_by").prefetch_related(
        Prefetch("owners", queryset=TaskingOwner.objects.select_related("organisation").order_by(
            "organisation__name")),
        Prefetch("lines", queryset=Entity.objects.order_by("id")))


def taskings_visible_to(*, user) -> QuerySet[Tasking]:
    organisation = _organisation(user)
    if organisation is None:
        return Tasking.objects.none()
    if is_national_coordinator(user):
        return _with_owners(Tasking.objects.all())
    visible = Q(pk__in=[])
    region = coordinator_region(user)
    if region is not None:
        visible |= Q(region=region) | Q(owners__organisation__police_force__region=region)
    if user.has_perm(RESPOND_TO_TASKING) or region is not None:
        visible |= Q(owners__organisation=organisation)
    if not (user.has_perm(RESPOND_TO_TASKING) or user.has_perm(COORDINATE_TASKING)):
        return Tasking.objects.none()
    return _with_owners(Tasking.objects.filter(pk__in=Tasking.objects.filter(visible).values("pk")))


def may_manage(*, user, tasking: Tasking) -> bool:
    """Co-ordinators who may cancel or change a tasking: the national centre, or the setting ROCU."""
    if is_national_coordinator(user):
        return True
    return coordinator_region(user) is not None and tasking.tasking_organisation_id == user.organisation_id


def owner_row_for(*, user, tasking: Tasking) -> TaskingOwner | None:
    """The user's organisation's part in the tasking, if they may answer for it."""
    if not user.has_perm(RESPOND_TO_TASKING):
        return None
    return TaskingOwner.objects.filter(tasking=tasking, organisation_id=user.organisation_id).first()


def line_ids_current(line_ids: Iterable[int]) -> dict[int, int]:
    """Each id given -> the active entity it now is (itself, or where it was merged)."""
    current: dict[int, int] = {}
    wanted = set(line_ids)
    rows = dict(Entity.objects.filter(pk__in=wanted).values_list("pk", "merged_into_id"))
    for pk in wanted:
        seen, at = set(), pk
        while rows.get(at) and at not in seen:
            seen.add(at)
            at = rows[at]
            if at not in rows:
                rows.update(dict(Entity.objects.filter(pk=at).values_list("pk", "merged_into_id")))
        current[pk] = at
    return current


def _retired_into(line_ids: set[int]) -> set[int]:
    """The given lines and every retired entity that was merged (perhaps in steps) into them."""
    found, frontier = set(line_ids), set(line_ids)
    while frontier:
        frontier = set(Entity.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def live_taskings_for_lines(line_ids: Iterable[int]) -> dict[int, list[Tasking]]:
    """line entity id -> the live taskings for it (owners prefetched), for every id given.

    The platform's own read (for scoring a line's organisational position, and deconfliction),
    not a user's: callers that show it to a person must scope what they show. A tasking for a
    line since merged into another counts for the line it is now.
    """
    wanted = set(line_ids)
    result: dict[int, list[Tasking]] = {pk: [] for pk in wanted}
    if not wanted:
        return result
    every = _retired_into(wanted)
    current = line_ids_current(every)
    taskings = _with_owners(Tasking.objects.filter(status=TaskingStatus.LIVE, lines__in=every).distinct())
    for tasking in taskings:
        for line in tasking.lines.all():
            target = current.get(line.pk, line.pk)
            if target in result and tasking not in result[target]:
                result[target].append(tasking)
    return result


def taskings_for_line(*, user, entity_id: int) -> QuerySet[Tasking]:
    """Every tasking (live or closed) for this line that `user` may see, newest first."""
    lines = _retired_into({entity_id})
    return taskings_visible_to(user=user).filter(
        pk__in=Tasking.objects.filter(lines__in=lines).values("pk")).order_by("-created_at", "-id")


def live_owner_rows(*, organisation_ids: Iterable[int] | None = None) -> QuerySet[TaskingOwner]:
    rows = TaskingOwner.objects.filter(status__in=LIVE_OWNER_STATUSES, tasking__status=TaskingStatus.LIVE)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    return rows.select_related("tasking", "organisation")


def overdue_owner_rows(*, today) -> QuerySet[TaskingOwner]:
    """Owners who have not finished a live tasking whose due date has passed."""
    return live_owner_rows().filter(tasking__due_date__lt=today).order_by("tasking__due_date", "id")


def taskings_by_line(taskings: Iterable[Tasking]) -> dict[int, list[Tasking]]:
    by_line: dict[int, list[Tasking]] = defaultdict(list)
    for tasking in taskings:
        for line in tasking.lines.all():
            by_line[line.pk].append(tasking)
    return by_line


# --- nominations ---------------------------------------------------------------------------------
def nominations_visible_to(*, user) -> QuerySet[Nomination]:
    organisation = _organisation(user)
    if organisation is None:
        return Nomination.objects.none()
    nominations = Nomination.objects.select_related("line", "organisation", "organisation__police_force",
                                                    "nominated_by", "decided_by", "decided_by_organisation")
    if is_national_coordinator(user):
        return nominations
    visible = Q(pk__in=[])
    region = coordinator_region(user)
    if region is not None:
        visible |= Q(organisation__police_force__region=region)
    if user.has_perm(RESPOND_TO_TASKING):
        visible |= Q(organisation=organisation)
    return nominations.filter(visible)


def may_decide(*, user, nomination: Nomination) -> bool:
    """National support is the national centre's to give; a region decides its forces' local
    priorities and requests for regional support (the national centre may decide any)."""
    if nomination.status != NominationStatus.PENDING:
        return False
    if is_national_coordinator(user):
        return True
    region = coordinator_region(user)
    force = nomination.organisation.police_force
    return (region is not None and force is not None and force.region_id == region.pk
            and nomination.kind != "national_support")


def nominations_to_decide(*, user) -> QuerySet[Nomination]:
    pending = nominations_visible_to(user=user).filter(status=NominationStatus.PENDING)
    if is_national_coordinator(user):
        return pending
    if coordinator_region(user) is None:
        return Nomination.objects.none()
    return pending.exclude(kind="national_support")


# --- meetings and their packs ---------------------------------------------------------------------
def meeting_regions(user) -> tuple[bool, list[Region]]:
    """(national, regions): whether the user holds national meetings, and the regions whose they hold."""
    if is_national_coordinator(user):
        return True, list(Region.objects.order_by("name"))
    region = coordinator_region(user)
    return False, [region] if region is not None else []


def meetings_visible_to(*, user) -> QuerySet[TaskingMeeting]:
    national, regions = meeting_regions(user)
    meetings = TaskingMeeting.objects.select_related("region", "created_by")
    return meetings if national else meetings.filter(region__in=regions)


def packs_visible_to(*, user) -> QuerySet[MeetingPack]:
    """The meeting packs `user` asked for, of meetings they still may hold. A pack holds what its
    requester may see, so nobody else gets it; the PDF itself is left unread until downloaded."""
    if not user.has_perm(COORDINATE_TASKING):
        return MeetingPack.objects.none()
    return MeetingPack.objects.filter(requested_by=user, meeting__in=meetings_visible_to(user=user).values("pk")
                                      ).select_related("meeting__region").defer("pdf")
