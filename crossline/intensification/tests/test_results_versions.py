"""A force may send its results again: each change is a new version, the history is kept, and
only the current version counts in the totals."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.intensification.models import WeekResult
from crossline.intensification.selectors import force_results_history, week_picture
from crossline.intensification.services import results_submit
from crossline.intensification.tests.support import WEST_YORKSHIRE, raw, week_started
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _send(user, **given):
    return results_submit(week=WEEK[0], force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(**given),
                          through="form", actor=user)


WEEK = []


@pytest.fixture(autouse=True)
def _week(db):
    WEEK[:] = [week_started()]


def test_a_correction_is_the_next_version_and_the_first_is_kept(wy_submitter, national_coordinator):
    first = _send(wy_submitter, arrests=10, drug_heroin_grams="50").result
    second = _send(wy_submitter, arrests=12, drug_heroin_grams="").result
    first.refresh_from_db()
    assert (first.version, first.is_current, second.version, second.is_current) == (1, False, 2, True)
    assert second.supersedes == first
    history = force_results_history(user=national_coordinator, week=WEEK[0], force_code=WEST_YORKSHIRE)
    assert [(r.version, r.values["arrests"], r.values["drug_heroin_grams"]) for r in history] == [
        (2, 12, Decimal(0)), (1, 10, Decimal("50.000"))]
    picture = week_picture(user=national_coordinator, week=WEEK[0])
    assert picture.national.values["arrests"] == 12 and picture.national.reported == 1
    assert AuditEvent.objects.filter(object_type="intensification.WeekResult", object_refs=[str(second.pk)]).exists()


def test_the_same_figures_again_store_nothing_new(wy_submitter):
    first = _send(wy_submitter).result
    again = _send(wy_submitter)
    assert again.ok and not again.created and again.result == first
    assert WeekResult.objects.count() == 1


def test_a_late_first_version_stays_late_after_a_correction(wy_submitter, national_coordinator):
    week = WEEK[0]
    result = _send(wy_submitter).result
    late = timezone.make_aware(datetime.combine(week.results_due_on + timedelta(days=1), time(9)))
    WeekResult.objects.filter(pk=result.pk).update(submitted_at=late)
    _send(wy_submitter, arrests=11)
    row = next(r for r in week_picture(user=national_coordinator, week=week).forces if r.force.pk == WEST_YORKSHIRE)
    assert row.status == "late" and row.result.version == 2
