"""The schedule says which returns each force owes and when each is due; a change adds a version."""

from datetime import date

import pytest

from crossline.compliance.models import ReturnSchedule
from crossline.compliance.schedule import expected_periods
from crossline.compliance.tests.support import london
from crossline.compliance.tests.support import monthly_schedule as monthly_schedule
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _force():
    return PoliceForce.objects.get(pk="E23000010")


def test_no_return_is_expected_before_the_national_centre_sets_a_schedule():
    assert expected_periods(force=_force(), until=date(2026, 11, 26)) == []


def test_each_ended_month_since_the_schedule_began_is_expected_with_its_due_date(monthly_schedule):
    periods = expected_periods(force=_force(), until=date(2026, 5, 20))

    assert [(p.start, p.end, p.due) for p in periods] == [
        (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 13)),
        (date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 13)),
        (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 16)),  # Good Friday and Easter Monday
        (date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 15)),  # the Early May bank holiday
    ]
    assert periods[0].label == "January 2026"


def test_the_month_in_progress_is_not_yet_expected(monthly_schedule):
    periods = expected_periods(force=_force(), until=date(2026, 5, 31))
    assert periods[-1].end == date(2026, 4, 30)
    assert expected_periods(force=_force(), until=date(2026, 6, 1))[-1].end == date(2026, 5, 31)


def test_a_later_version_governs_periods_from_its_start_and_earlier_ones_keep_their_deadlines(monthly_schedule):
    ReturnSchedule.objects.create(effective_from=date(2026, 3, 1), due_working_days=5, created_at=london(2026, 2, 2))

    periods = expected_periods(force=_force(), until=date(2026, 5, 1))

    assert [p.due for p in periods] == [date(2026, 2, 13), date(2026, 3, 13), date(2026, 4, 9), date(2026, 5, 8)]
    assert periods[-1].schedule.due_working_days == 5
