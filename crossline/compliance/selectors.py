"""Reads of compliance, scoped to who is asking.

A force's people (`view_compliance`) see their own force; a ROCU's, the forces of its region; the
national centre and ROCU co-ordinators (`view_national_compliance`) every force, and the league
table. A Police and Crime Commissioner's office (`view_aggregates`) sees its own force's figures,
which are aggregates only. Nobody else sees any.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from crossline.accounts.roles import VIEW_AGGREGATES, VIEW_COMPLIANCE, VIEW_NATIONAL_COMPLIANCE
from crossline.compliance.models import Notice, ReturnSchedule
from crossline.compliance.schedule import Period, recent_periods, schedule_in_force, schedule_versions
from crossline.compliance.scores import Scores, scores_by_force
from crossline.compliance.timeliness import PeriodTimeliness, Timeliness, timeliness_by_force
from crossline.organisations.models import OrganisationKind
from crossline.reference.models import PoliceForce
from crossline.returns.models import NationalReturn
from crossline.returns.selectors import forces_submittable_by


def compliance_forces_visible_to(*, user) -> QuerySet[PoliceForce]:
    organisation = user.organisation if getattr(user, "organisation_id", None) else None
    if organisation is None:
        return PoliceForce.objects.none()
    if user.has_perm(VIEW_NATIONAL_COMPLIANCE):
        return PoliceForce.objects.all()
    if user.has_perm(VIEW_COMPLIANCE):
        return forces_submittable_by(organisation=organisation)
    if (user.has_perm(VIEW_AGGREGATES) and organisation.kind == OrganisationKind.PCC_OFFICE
            and organisation.police_force_id):
        return PoliceForce.objects.filter(pk=organisation.police_force_id)
    return PoliceForce.objects.none()


def own_force(*, user) -> PoliceForce | None:
    """The force whose compliance is the user's own business: their force, or the force their PCC
    office holds to account. A ROCU or the national centre has none."""
    organisation = user.organisation if getattr(user, "organisation_id", None) else None
    if organisation is None or organisation.kind not in (OrganisationKind.POLICE_FORCE, OrganisationKind.PCC_OFFICE):
        return None
    return compliance_forces_visible_to(user=user).filter(pk=organisation.police_force_id).first()


@dataclass
class Summary:
    on_time: int = 0
    late: int = 0
    missing: int = 0
    due: int = 0
    rejected_attempts: int = 0

    @property
    def expected(self) -> int:
        """Returns whose due date has passed: the ones timeliness is judged on."""
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def _summary(entries: list[PeriodTimeliness]) -> Summary:
    summary = Summary()
    for entry in entries:
        setattr(summary, entry.status.value, getattr(summary, entry.status.value) + 1)
        summary.rejected_attempts += entry.rejected_attempts
    return summary


def _window_returns(periods: list[Period]) -> QuerySet[NationalReturn]:
    if not periods:
        return NationalReturn.objects.none()
    return NationalReturn.objects.filter(is_current=True, period_start__gte=periods[0].start,
                                         period_end__lte=periods[-1].end)


@dataclass
class ForceCompliance:
    force: PoliceForce
    schedule: ReturnSchedule | None  # the version in force today
    periods: list[PeriodTimeliness]  # newest first
    summary: Summary
    scores: Scores


def force_compliance(*, user, force_code: str, now: datetime | None = None) -> ForceCompliance:
    """One force's last year of returns. A force the user may not see is not found."""
    force = compliance_forces_visible_to(user=user).get(pk=force_code)
    now = now or timezone.now()
    today = timezone.localdate(now)
    versions = schedule_versions()
    periods = recent_periods(today, versions)
    entries = timeliness_by_force(force_codes=[force.pk], periods=periods, now=now)[force.pk]
    scores = scores_by_force(force_codes=[force.pk], returns=_window_returns(periods))[force.pk]
    return ForceCompliance(force=force, schedule=schedule_in_force(today, versions), periods=entries[::-1],
                           summary=_summary(entries), scores=scores)


@dataclass
class LeagueRow:
    force: PoliceForce
    summary: Summary
    scores: Scores

    @property
    def sort_values(self) -> dict:
        return {"force": self.force.name, "due": self.summary.expected, "on_time": self.summary.on_time_rate, "late": self.summary.late,
                "missing": self.summary.missing, "completeness": self.scores.completeness_rate,
                "quality": self.scores.quality_rate, "rejected": self.summary.rejected_attempts}


SORTS = ("force", "due", "on_time", "late", "missing", "completeness", "quality", "rejected")
# The direction a column sorts in first: the best at the top, and the worst for counts of failure.
FIRST_DIRECTION = {"force": "asc", "due": "desc", "on_time": "desc", "late": "desc", "missing": "desc", "completeness": "desc",
                   "quality": "desc", "rejected": "desc"}


@dataclass
class League:
    rows: list[LeagueRow]
    periods: list[Period]
    sort: str
    direction: str


def league_table(*, user, sort: str = "on_time", direction: str | None = None,
                 now: datetime | None = None) -> League:
    """Every force (43 territorial and British Transport Police), over the last year of returns.
    A row with nothing to measure yet (no return due) sorts last whichever way the column goes."""
    if not user.has_perm(VIEW_NATIONAL_COMPLIANCE):
        raise PermissionDenied
    sort = sort if sort in SORTS else "on_time"
    direction = direction if direction in ("asc", "desc") else FIRST_DIRECTION[sort]
    now = now or timezone.now()
    periods = recent_periods(timezone.localdate(now))
    forces = list(compliance_forces_visible_to(user=user).order_by("name"))
    codes = [force.pk for force in forces]
    timeliness = timeliness_by_force(force_codes=codes, periods=periods, now=now)
    scores = scores_by_force(force_codes=codes, returns=_window_returns(periods))
    rows = [LeagueRow(force, _summary(timeliness[force.pk]), scores[force.pk]) for force in forces]
    measured = [row for row in rows if row.sort_values[sort] is not None]
    unmeasured = [row for row in rows if row.sort_values[sort] is None]
    # Ties keep the alphabetical order of forces (the sort is stable).
    measured.sort(key=lambda row: row.sort_values[sort], reverse=direction == "desc")
    return League(rows=measured + unmeasured, periods=periods, sort=sort, direction=direction)


# --- notices ----------------------------------------------------------------------------------
def notices_for(*, user) -> QuerySet[Notice]:
    """The user's own notices and those for everyone in their organisation, newest first."""
    mine = Q(recipient_user_id=user.pk)
    if getattr(user, "organisation_id", None):
        mine |= Q(recipient_organisation_id=user.organisation_id)
    return Notice.objects.filter(mine).order_by("-created_at", "-id")


def notices_unread_count(*, user) -> int:
    return notices_for(user=user).filter(read_at__isnull=True).count()


def timeliness_statuses() -> list[tuple[str, str, str]]:
    """(value, label, tag colour) for a key to the tags."""
    from crossline.compliance.timeliness import TAG_COLOURS

    return [(status.value, status.label, TAG_COLOURS[status]) for status in Timeliness]
