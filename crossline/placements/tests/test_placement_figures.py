"""Oversight figures: per force, what it received, how fast it acknowledged (median, 95th
percentile), how often late, how often escalated; per council, how many it made."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crossline.placements.escalation import placements_escalate
from crossline.placements.figures import council_figures, force_figures, percentile
from crossline.placements.services import placement_acknowledge
from crossline.placements.tests.conftest import UNKNOWN_POSTCODE, dispatch, notify

pytestmark = pytest.mark.django_db


def test_percentile_is_nearest_rank():
    assert percentile([], 0.95) is None
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([float(n) for n in range(1, 21)], 0.95) == 19.0
    assert percentile([float(n) for n in range(1, 101)], 0.5) == 50.0


def test_a_forces_figures(council_officer, ny_analyst):
    start = timezone.now() - timedelta(days=10)
    hours_taken = [1, 2, 3, 30]
    for taken in hours_taken:
        notification = notify(council_officer, now=start)
        dispatch(now=start)
        placement_acknowledge(notification=notification, user=ny_analyst, local_intelligence_checked=True,
                              risk_management_plan="Plan", named_officer="PC Dale", named_officer_contact="0300",
                              now=start + timedelta(hours=taken))
    waiting = notify(council_officer, now=start)
    dispatch(now=start)
    placements_escalate(now=start + timedelta(days=3))
    notify(council_officer, postcode=UNKNOWN_POSTCODE, now=start)

    [north_yorkshire] = force_figures(since=start - timedelta(days=1))
    assert north_yorkshire.name == "North Yorkshire Police"
    assert (north_yorkshire.received, north_yorkshire.acknowledged, north_yorkshire.waiting) == (5, 4, 1)
    assert north_yorkshire.median_hours == pytest.approx(2.5)
    assert north_yorkshire.p95_hours == pytest.approx(30)
    assert north_yorkshire.breaches == 2  # the 30-hour one, and the one still waiting
    assert (north_yorkshire.to_supervisors, north_yorkshire.to_duty_desk) == (1, 1)
    assert waiting.reference  # made, counted, never named

    [leeds] = council_figures(since=start - timedelta(days=1))
    assert (leeds.name, leeds.made, leeds.to_triage) == ("Leeds City Council", 6, 1)
    assert force_figures(since=timezone.now()) == []
