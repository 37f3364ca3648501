"""The demonstration's intensification weeks: three past weeks most forces reported on, one open."""

import pytest
from django.utils import timezone

from crossline.intensification.demo import intensification_demo_load
from crossline.intensification.models import WeekResult
from crossline.intensification.selectors import week_state
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def test_three_past_weeks_and_one_open(settings):
    settings.CROSSLINE_DEMO, settings.PRODUCTION = True, False
    weeks = intensification_demo_load()
    today = timezone.localdate()
    assert [week_state(w, today)[0] for w in weeks[:3]] == ["closed"] * 3
    assert week_state(weeks[3], today)[0] in ("running", "results_due")
    forces = PoliceForce.objects.count()
    for week in weeks[:3]:
        reported = WeekResult.objects.filter(week=week, is_current=True).count()
        assert forces * 0.75 <= reported < forces  # most forces, not all
    assert WeekResult.objects.filter(version=2).exists()  # some forces corrected their results
    stored = WeekResult.objects.count()
    assert intensification_demo_load() == weeks and WeekResult.objects.count() == stored  # again: nothing new


def test_refused_outside_a_demonstration(settings):
    settings.CROSSLINE_DEMO = False
    with pytest.raises(Exception, match="demonstration"):
        intensification_demo_load()
