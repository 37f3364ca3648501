"""Which returns are expected, and when each is due: the periods of the national schedule.

    expected_periods(force=force, until=date.today())
    # [Period(start=2026-09-01, end=2026-09-30, due=2026-10-14), ...] oldest first

A period is expected once it has ended. Its return is due by the end of (London time) the
`due_working_days`th working day after the period's last day, under the schedule version that
governs the period (the latest version whose `effective_from` is on or before the period's start).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crossline.compliance.models import MONTHS_PER_PERIOD, ReturnSchedule
from crossline.compliance.workdays import add_working_days, end_of_day

RECENT_PERIODS = 12  # what the pages and the league table look at: a year of monthly returns


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date
    schedule: ReturnSchedule

    @property
    def deadline(self) -> datetime:
        """The first instant the return is late."""
        return end_of_day(self.due)

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == _add_months(self.start, 1) - timedelta(days=1):
            return self.start.strftime("%B %Y")
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    def due_soon(self, today: date) -> bool:
        """Whether `today` is within the schedule's reminder lead (in working days) of the due date."""
        return today <= self.due <= add_working_days(today, self.schedule.reminder_working_days)


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def is_period_start(day: date, frequency: str) -> bool:
    months = MONTHS_PER_PERIOD[frequency]
    return day.day == 1 and (day.month - 1) % months == 0


def schedule_versions() -> list[ReturnSchedule]:
    """The versions in force over time, oldest first; of two starting on the same day, the later made."""
    by_start: dict[date, ReturnSchedule] = {}
    for version in ReturnSchedule.objects.order_by("effective_from", "created_at", "id"):
        by_start[version.effective_from] = version
    return list(by_start.values())


def schedule_in_force(on: date, versions: list[ReturnSchedule] | None = None) -> ReturnSchedule | None:
    versions = schedule_versions() if versions is None else versions
    governing = [version for version in versions if version.effective_from <= on]
    return governing[-1] if governing else None


def periods_until(until: date, versions: list[ReturnSchedule] | None = None) -> list[Period]:
    """Every period of the schedule that ended before `until`, oldest first."""
    versions = schedule_versions() if versions is None else versions
    periods: list[Period] = []
    for index, version in enumerate(versions):
        stop = versions[index + 1].effective_from if index + 1 < len(versions) else None
        months = MONTHS_PER_PERIOD[version.frequency]
        start = version.effective_from
        if periods and start <= periods[-1].end:
            start = periods[-1].end + timedelta(days=1)
        while stop is None or start < stop:
            end = _add_months(start, months) - timedelta(days=1)
            if end >= until:
                break
            periods.append(Period(start, end, add_working_days(end, version.due_working_days), version))
            start = end + timedelta(days=1)
    return periods


def expected_periods(*, force, until: date, versions: list[ReturnSchedule] | None = None) -> list[Period]:
    """The periods `force` owes a return for that ended before `until`, oldest first. Every force
    follows the one national schedule; the force is asked about so that callers do not change
    when a force's own start date (a force joining the platform late) is added."""
    return periods_until(until, versions)


def recent_periods(until: date, versions: list[ReturnSchedule] | None = None) -> list[Period]:
    return periods_until(until, versions)[-RECENT_PERIODS:]
