"""Each force's return for each period is on time, late, missing or not yet due; rejected attempts
count for nothing but are shown."""

import pytest
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.compliance.schedule import recent_periods
from crossline.compliance.tests.support import broken, london, monthly_return, submit_at
from crossline.compliance.tests.support import monthly_schedule as monthly_schedule
from crossline.compliance.timeliness import Timeliness, timeliness_by_force
from crossline.conftest import make_user
from crossline.returns.models import SubmissionStatus
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db
WY, NY = "E23000010", "E23000009"


@pytest.fixture
def ny_submitter(north_yorkshire_police):
    return make_user(north_yorkshire_police, Role.SUBMITTER)


def _statuses(now, codes=(WY,)):
    periods = recent_periods(timezone.localdate(now))
    found = timeliness_by_force(force_codes=list(codes), periods=periods, now=now)
    return {code: {entry.period.label: entry for entry in entries} for code, entries in found.items()}


def test_april_2026_is_due_on_15_may_because_of_the_bank_holiday(monthly_schedule, wy_submitter, ny_submitter,
                                                                raw_store):
    # Without the Early May bank holiday, 10 working days after 30 April would be Thursday 14 May.
    assert submit_at(london(2026, 5, 15, 23, 30), wy_submitter, monthly_return(2026, 4)).status == "accepted"
    # Ten past midnight in London on the 16th is still the 15th in UTC: late all the same.
    submit_at(london(2026, 5, 16, 0, 10), ny_submitter, monthly_return(2026, 4, force=NY))

    april = _statuses(london(2026, 6, 1, 9), codes=(WY, NY))
    assert april[WY]["April 2026"].status == Timeliness.ON_TIME
    assert april[NY]["April 2026"].status == Timeliness.LATE
    assert april[WY]["April 2026"].received_at == london(2026, 5, 15, 23, 30)


def test_nothing_accepted_is_due_until_the_due_date_ends_and_missing_after(monthly_schedule):
    assert _statuses(london(2026, 5, 15, 23, 59))[WY]["April 2026"].status == Timeliness.DUE
    assert _statuses(london(2026, 5, 16, 0, 0))[WY]["April 2026"].status == Timeliness.MISSING
    assert _statuses(london(2026, 5, 16, 0, 0))[WY]["January 2026"].status == Timeliness.MISSING


def test_a_late_return_stops_being_missing_and_a_correction_does_not_change_when_it_came(
        monthly_schedule, wy_submitter, raw_store):
    submit_at(london(2026, 2, 10, 10), wy_submitter, monthly_return(2026, 1))
    submit_at(london(2026, 4, 20, 10), wy_submitter, monthly_return(2026, 3))
    correction = monthly_return(2026, 1)
    correction["people"][1]["surname"] = "O'Brian"
    assert submit_at(london(2026, 3, 20, 10), wy_submitter, correction).national_return.version == 2

    found = _statuses(london(2026, 5, 12, 9))[WY]
    assert found["January 2026"].status == Timeliness.ON_TIME  # judged on version 1, not the late correction
    assert found["January 2026"].versions == 2
    assert found["February 2026"].status == Timeliness.MISSING
    assert found["March 2026"].status == Timeliness.LATE  # due 16 April
    assert found["April 2026"].status == Timeliness.DUE


def test_rejected_attempts_count_for_nothing_but_are_shown_against_the_period_they_name(
        monthly_schedule, wy_submitter, raw_store):
    rejected = submit_at(london(2026, 2, 12, 9), wy_submitter, broken(monthly_return(2026, 1)))
    assert rejected.status == SubmissionStatus.REJECTED
    submit_at(london(2026, 2, 16, 9), wy_submitter, broken(monthly_return(2026, 1)))
    submit_at(london(2026, 2, 17, 9), wy_submitter, monthly_return(2026, 1))
    submit_at(london(2026, 2, 18, 9), wy_submitter, broken(monthly_return(2026, 1)))  # a correction that failed
    submit_at(london(2026, 3, 5, 9), wy_submitter, broken(monthly_return(2026, 2)))  # early, while January is owed

    found = _statuses(london(2026, 3, 20, 9))[WY]
    assert found["January 2026"].status == Timeliness.LATE  # due 13 February; the rejected one on the 12th is nothing
    assert found["January 2026"].rejected_attempts == 3
    assert found["February 2026"].rejected_attempts == 1


def unreadable(doc: dict) -> bytes:
    """A return whose 'return' sheet cannot be read, so nothing says which force or period it is for."""
    import json

    doc["return"] = "not an object"
    return json.dumps(doc).encode()


def test_an_attempt_not_read_far_enough_to_name_its_period_goes_against_the_oldest_one_outstanding(
        monthly_schedule, wy_submitter, raw_store):
    from freezegun import freeze_time

    from crossline.returns.services import return_submit

    for moment, doc in [(london(2026, 3, 5, 9), monthly_return(2026, 1)), (london(2026, 3, 6, 9), monthly_return(2026, 2))]:
        with freeze_time(moment):
            attempt = return_submit(content=unreadable(doc), filename="return.json", form=None, actor=wy_submitter,
                                    organisation=wy_submitter.organisation)
        assert (attempt.status, attempt.force_id, attempt.period_start) == (SubmissionStatus.REJECTED, None, None)
    submit_at(london(2026, 3, 9, 9), wy_submitter, monthly_return(2026, 1))

    found = _statuses(london(2026, 3, 20, 9))[WY]
    assert found["January 2026"].rejected_attempts == 2  # both came while January was still owed
    assert found["February 2026"].rejected_attempts == 0


def test_a_return_naming_another_force_counts_for_neither(monthly_schedule, wy_submitter, raw_store):
    wrong_force = submit_at(london(2026, 2, 12, 9), wy_submitter, monthly_return(2026, 1, force=NY))
    assert (wrong_force.status, wrong_force.force_id) == (SubmissionStatus.REJECTED, NY)

    found = _statuses(london(2026, 3, 20, 9), codes=(WY, NY))
    assert found[NY]["January 2026"].rejected_attempts == 0  # North Yorkshire tried nothing
    assert found[WY]["January 2026"].rejected_attempts == 0  # nor did West Yorkshire, for itself
