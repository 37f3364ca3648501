"""Reads of intensification weeks, scoped to who is asking.

Results are aggregates, never personal data, but each organisation still sees what it has a
need for:

    national centre   every force's figures, each region's totals and the national total
    a ROCU            the figures of the forces in its region, its region's and the national total
    a police force    its own figures, its region's total and the national total
    a PCC office      its force's figures only (it holds that force to account); so does a
                      Violence Reduction Unit, for the force area it works in

Anyone else sees no week at all. Totals are summed over every force's current results, however
few of those forces the user may see one by one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from crossline.accounts.roles import (
    COORDINATE_TASKING,
    SUBMIT_INTENSIFICATION_RESULTS,
    VIEW_AGGREGATES,
    VIEW_RETURNS,
)
from crossline.intensification.figures import COUNT, DRUG_KEYS, FIELD_FOR_DRUG, FIGURES
from crossline.intensification.models import DrugSeizure, IntensificationWeek, WeekResult
from crossline.organisations.models import OrganisationKind
from crossline.reference.models import PoliceForce, Region
from crossline.returns.selectors import forces_submittable_by

TREND_WEEKS = 6  # the week shown and up to five before it
COLUMN_FIELDS = tuple(f.key for f in FIGURES if not f.drug)


@dataclass
class Scope:
    forces: QuerySet  # forces whose own figures the user may see
    regions: list[Region]  # regions whose totals the user may see
    national: bool  # whether the user may see the national total
    trend: str  # "national", "region" or "force": whose figures the week-on-week charts follow


def intensification_scope(*, user) -> Scope:
    """What of the weeks' results `user` may see; PermissionDenied when nothing."""
    organisation = user.organisation if getattr(user, "organisation_id", None) else None
    reads = any(user.has_perm(p) for p in (VIEW_RETURNS, VIEW_AGGREGATES, SUBMIT_INTENSIFICATION_RESULTS))
    if organisation is None or not reads:
        raise PermissionDenied
    kind = organisation.kind
    if kind == OrganisationKind.NATIONAL_CENTRE:
        return Scope(PoliceForce.objects.all(), list(Region.objects.order_by("name")), True, "national")
    if kind == OrganisationKind.ROCU and organisation.region_id:
        return Scope(PoliceForce.objects.filter(region_id=organisation.region_id), [organisation.region], True,
                     "region")
    if kind == OrganisationKind.POLICE_FORCE and organisation.police_force_id:
        force = organisation.police_force
        return Scope(PoliceForce.objects.filter(pk=force.pk), [force.region] if force.region_id else [], True,
                     "force")
    if (kind in (OrganisationKind.PCC_OFFICE, OrganisationKind.VIOLENCE_REDUCTION_UNIT)
            and organisation.police_force_id and user.has_perm(VIEW_AGGREGATES)):
        return Scope(PoliceForce.objects.filter(pk=organisation.police_force_id), [], False, "force")
    raise PermissionDenied


def may_open_weeks(user) -> bool:
    """The national centre's co-ordinators open intensification weeks."""
    return bool(user.has_perm(COORDINATE_TASKING) and getattr(user, "organisation_id", None)
                and user.organisation.kind == OrganisationKind.NATIONAL_CENTRE)


def weeks_visible_to(*, user) -> QuerySet[IntensificationWeek]:
    """Every week, newest first, with `reported`: how many forces have sent results."""
    intensification_scope(user=user)  # refuses those who may see none
    return IntensificationWeek.objects.annotate(
        reported=Count("results", filter=Q(results__is_current=True))).order_by("-starts_on", "-id")


def week_state(week: IntensificationWeek, today: date | None = None) -> tuple[str, str]:
    """(state, words): upcoming, running, results due, closed."""
    today = today or timezone.localdate()
    if today < week.starts_on:
        return "upcoming", "Not started"
    if today <= week.ends_on:
        return "running", "Under way"
    if today <= week.results_due_on:
        return "results_due", "Results due"
    return "closed", "Closed"


STATUS_WORDS = {"submitted": ("Submitted", "green"), "late": ("Submitted late", "yellow"),
                "not_yet": ("Not yet submitted", "grey"), "overdue": ("Overdue", "red")}


@dataclass
class ForceRow:
    force: PoliceForce
    result: WeekResult | None
    status: str
    result_values: dict = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return STATUS_WORDS[self.status][0]

    @property
    def status_colour(self) -> str:
        return STATUS_WORDS[self.status][1]


@dataclass
class Total:
    name: str
    forces: int  # forces in the area
    reported: int  # of which sent results
    values: dict  # figure key -> sum


@dataclass
class WeekPicture:
    week: IntensificationWeek
    state: str
    state_words: str
    scope: Scope
    forces: list[ForceRow]
    regions: list[Total]
    national: Total | None
    trend: list[dict]  # oldest first: {"week", "total"}
    trend_name: str


def _values(result: WeekResult, drugs: dict) -> dict:
    values = {key: getattr(result, key) for key in COLUMN_FIELDS}
    for key in DRUG_KEYS:
        values[key] = Decimal(0)
    for drug, grams in drugs.get(result.pk, {}).items():
        values[FIELD_FOR_DRUG[drug]] = grams
    return values


def _drugs_by_result(result_ids) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for result_id, drug, grams in DrugSeizure.objects.filter(result_id__in=result_ids).values_list(
            "result_id", "drug", "grams"):
        found[result_id][drug] = grams
    return found


def _zero() -> dict:
    return {f.key: (0 if f.kind == COUNT else Decimal(0)) for f in FIGURES}


def _sum(name: str, forces: list[PoliceForce], values_by_force: dict[str, dict]) -> Total:
    total = _zero()
    reported = 0
    for force in forces:
        values = values_by_force.get(force.pk)
        if values is None:
            continue
        reported += 1
        for key, value in values.items():
            total[key] += value
    return Total(name=name, forces=len(forces), reported=reported, values=total)


def _current_values(weeks) -> dict[int, dict[str, dict]]:
    """week id -> force code -> figures, over the current version of each force's results."""
    results = list(WeekResult.objects.filter(week__in=weeks, is_current=True))
    drugs = _drugs_by_result([r.pk for r in results])
    by_week: dict[int, dict[str, dict]] = defaultdict(dict)
    for result in results:
        by_week[result.week_id][result.force_id] = _values(result, drugs)
    return by_week


def week_picture(*, user, week: IntensificationWeek, today: date | None = None) -> WeekPicture:
    scope = intensification_scope(user=user)
    today = today or timezone.localdate()
    all_forces = list(PoliceForce.objects.select_related("region").order_by("name"))
    current = {r.force_id: r for r in WeekResult.objects.filter(week=week, is_current=True)
               .select_related("submitted_by", "machine_client", "organisation")}
    drugs = _drugs_by_result([r.pk for r in current.values()])
    values = {code: _values(result, drugs) for code, result in current.items()}
    # When each force first sent its results: "late" is judged on the first version, not a correction.
    first_sent = dict(WeekResult.objects.filter(week=week, version=1).values_list("force_id", "submitted_at"))
    visible = set(scope.forces.values_list("pk", flat=True))
    rows = []
    for force in all_forces:
        if force.pk not in visible:
            continue
        result = current.get(force.pk)
        if result is None:
            status = "overdue" if today > week.results_due_on else "not_yet"
        else:
            sent = first_sent.get(force.pk, result.submitted_at)
            status = "late" if timezone.localdate(sent) > week.results_due_on else "submitted"
        rows.append(ForceRow(force, result, status, values.get(force.pk, {})))
    regions = [_sum(region.name, [f for f in all_forces if f.region_id == region.pk], values)
               for region in scope.regions]
    national = _sum("England and Wales (all forces)", all_forces, values) if scope.national else None
    trend, trend_name = _trend(scope=scope, week=week, user=user, all_forces=all_forces)
    state, words = week_state(week, today)
    return WeekPicture(week=week, state=state, state_words=words, scope=scope, forces=rows, regions=regions,
                       national=national, trend=trend, trend_name=trend_name)


def _trend(*, scope: Scope, week: IntensificationWeek, user, all_forces) -> tuple[list[dict], str]:
    weeks = list(IntensificationWeek.objects.filter(starts_on__lte=week.starts_on).order_by("-starts_on", "-id")
                 [:TREND_WEEKS])[::-1]
    by_week = _current_values(weeks)
    if scope.trend == "national":
        forces, name = all_forces, "England and Wales"
    elif scope.trend == "region":
        region = scope.regions[0]
        forces, name = [f for f in all_forces if f.region_id == region.pk], region.name
    else:
        codes = set(scope.forces.values_list("pk", flat=True))
        forces = [f for f in all_forces if f.pk in codes]
        name = forces[0].force_name if forces else ""
    return [{"week": w, "total": _sum(name, forces, by_week.get(w.pk, {}))} for w in weeks], name


def force_results_history(*, user, week: IntensificationWeek, force_code: str) -> list[WeekResult]:
    """Every version of one force's results for a week, newest first; a force the user may not
    see is not found (PoliceForce.DoesNotExist)."""
    force = intensification_scope(user=user).forces.get(pk=force_code)
    results = list(WeekResult.objects.filter(week=week, force=force).order_by("-version")
                   .select_related("submitted_by", "machine_client", "organisation", "force"))
    drugs = _drugs_by_result([r.pk for r in results])
    for result in results:
        result.values = _values(result, drugs)
    return results


def previous_highest(*, week: IntensificationWeek, force_code: str) -> dict:
    """The force's highest current figures in earlier weeks, for the validator's spike warning."""
    earlier = WeekResult.objects.filter(force_id=force_code, is_current=True, week__starts_on__lt=week.starts_on)
    if not earlier.exists():
        return {}
    return earlier.aggregate(**{key: Max(key) for key in COLUMN_FIELDS if key != "cash_seized_gbp"})


def forces_submittable_for_week(*, user) -> QuerySet[PoliceForce]:
    """The forces whose results `user` may send: a force its own, a ROCU its region's."""
    if not user.has_perm(SUBMIT_INTENSIFICATION_RESULTS) or not getattr(user, "organisation_id", None):
        return PoliceForce.objects.none()
    return forces_submittable_by(organisation=user.organisation).order_by("name")
