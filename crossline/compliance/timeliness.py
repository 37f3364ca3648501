"""Whether each force's return for each period came on time.

On time: the first accepted version was received by the end of its due date (London time).
Late: it was received after that. Missing: the due date has passed and nothing has been accepted.
Due: the period has ended, nothing has been accepted, and the due date has not yet passed.

"Received" is the moment the accepted file arrived (`Submission.received_at` of the submission
that created version 1), not when checking finished: a force is not late because validation ran
for a minute past midnight. Rejected attempts count for nothing, but each is shown against the
period its return names (or, if the file could not be read that far, the period it most likely was).
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, F, Min, Q

from crossline.compliance.schedule import Period
from crossline.compliance.workdays import end_of_day
from crossline.organisations.models import OrganisationKind
from crossline.returns.models import NationalReturn, Submission, SubmissionStatus


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    MISSING = "missing", "Missing"
    DUE = "due", "Due"


TAG_COLOURS = {Timeliness.ON_TIME: "green", Timeliness.LATE: "orange", Timeliness.MISSING: "red",
               Timeliness.DUE: "grey"}
ACCEPTED = (Timeliness.ON_TIME, Timeliness.LATE)


@dataclass(frozen=True)
class PeriodTimeliness:
    period: Period
    status: Timeliness
    received_at: datetime | None  # the first accepted version's arrival
    versions: int  # accepted versions: a later one corrects the first
    rejected_attempts: int

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS[self.status]

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED


def classify(*, period: Period, received_at: datetime | None, now: datetime) -> Timeliness:
    if received_at is not None:
        return Timeliness.ON_TIME if received_at < period.deadline else Timeliness.LATE
    return Timeliness.MISSING if now >= period.deadline else Timeliness.DUE


def timeliness_by_force(*, force_codes: list[str], periods: list[Period],
                        now: datetime) -> dict[str, list[PeriodTimeliness]]:
    """For each force, one entry per period (oldest first). Two queries whatever the number of forces."""
    if not periods:
        return {code: [] for code in force_codes}
    first, last = periods[0], periods[-1]
    accepted = {
        (row["force_id"], row["period_start"], row["period_end"]): (row["received_at"], row["versions"])
        for row in NationalReturn.objects.filter(
            force_id__in=force_codes, period_start__gte=first.start, period_end__lte=last.end,
        ).values("force_id", "period_start", "period_end").annotate(
            received_at=Min("submission__received_at"), versions=Count("id"))
    }
    rejected: dict[str, list[tuple[datetime, tuple | None]]] = defaultdict(list)
    # An attempt counts for the force its return names if its sender may submit for that force (a
    # force for itself, a ROCU for its region: never a force's slip naming another); one whose
    # file could not be read that far counts for the force that sent it.
    named = Q(force_id__in=force_codes) & (Q(organisation__police_force_id=F("force_id"))
                                           | Q(organisation__kind=OrganisationKind.ROCU,
                                               organisation__region_id=F("force__region_id")))
    unnamed = Q(force__isnull=True, organisation__kind=OrganisationKind.POLICE_FORCE,
                organisation__police_force_id__in=force_codes)
    for force_id, sender_force_id, start, end, received_at in Submission.objects.filter(
        named | unnamed, status=SubmissionStatus.REJECTED, received_at__gte=end_of_day(first.end),
    ).order_by("received_at").values_list("force_id", "organisation__police_force_id", "period_start",
                                          "period_end", "received_at"):
        rejected[force_id or sender_force_id].append((received_at, (start, end) if start else None))

    result = {}
    for code in force_codes:
        found = [accepted.get((code, period.start, period.end), (None, 0)) for period in periods]
        attempts = _rejected_by_period(periods, [received for received, _ in found], rejected.get(code, []))
        result[code] = [
            PeriodTimeliness(period, classify(period=period, received_at=received, now=now), received, versions,
                             attempts[index])
            for index, (period, (received, versions)) in enumerate(zip(periods, found, strict=True))
        ]
    return result


def _rejected_by_period(periods: list[Period], received: list[datetime | None],
                        attempts: list[tuple[datetime, tuple | None]]) -> list[int]:
    """Each rejected attempt against the period its return names, when that is one of `periods`;
    one naming a period outside them is not counted. A file not read far enough to say (or naming
    dates off the schedule) is put against the oldest period that had ended and was still
    outstanding when it arrived: what the force was, in all likelihood, trying to send. Such an
    attempt made while nothing was outstanding (a correction that failed) counts for no period."""
    counts = [0] * len(periods)
    ends = [end_of_day(period.end) for period in periods]
    by_dates = {(period.start, period.end): index for index, period in enumerate(periods)}
    for at, named in attempts:
        if named in by_dates:
            counts[by_dates[named]] += 1
            continue
        if named is not None and (named[1] < periods[0].start or named[0] > periods[-1].end):
            continue  # for a period outside those shown
        ended = bisect_right(ends, at)
        for index in range(ended):
            if received[index] is None or received[index] > at:
                counts[index] += 1
                break
    return counts

