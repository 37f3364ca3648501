"""Nobody acknowledges: at T1 the host force's supervisors are e-mailed, at T2 the national duty
desk gets it, each step exactly once, on time by an injected clock, audited and on the timeline."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.organisations.selectors import national_centre
from crossline.placements.escalation import placements_escalate
from crossline.placements.models import Delivery, InboxItem, Purpose
from crossline.placements.services import placement_acknowledge
from crossline.placements.tests.conftest import dispatch, notify

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


@pytest.fixture
def overdue(council_officer, ny_analyst, ny_admin, triage_analyst):
    start = timezone.now()
    notification = notify(council_officer, now=start)
    dispatch(now=start)
    mail.outbox.clear()
    return notification, start


def test_each_step_happens_on_time_and_once(overdue, ny_analyst, ny_admin, triage_analyst):
    notification, start = overdue
    t1, t2 = start + timedelta(hours=24), start + timedelta(hours=48)

    assert placements_escalate(now=t1 - SECOND).to_supervisors == []
    assert placements_escalate(now=t1).to_supervisors == [notification.reference]
    assert placements_escalate(now=t1 + timedelta(hours=1)).to_supervisors == []  # once only
    dispatch(now=t1)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ny_analyst.email, ny_admin.email])
    assert not InboxItem.objects.filter(recipient=national_centre()).exists()

    assert placements_escalate(now=t2 - SECOND).to_duty_desk == []
    assert placements_escalate(now=t2).to_duty_desk == [notification.reference]
    assert placements_escalate(now=t2 + timedelta(days=3)).to_duty_desk == []
    dispatch(now=t2)
    desk = InboxItem.objects.get(recipient=national_centre())
    assert desk.purpose == Purpose.DUTY_DESK
    assert triage_analyst.email in {message.to[0] for message in mail.outbox}

    titles = list(notification.timeline.order_by("id").values_list("title", flat=True))
    assert titles.index("Escalated to North Yorkshire Police supervisors") < titles.index(
        "Escalated to the national duty desk")
    steps = AuditEvent.objects.filter(action="change", detail__escalated__isnull=False).order_by("id")
    assert [event.detail["escalated"] for event in steps] == ["supervisors", "duty_desk"]


def test_the_times_are_configurable(overdue, settings):
    notification, start = overdue
    settings.PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER = timedelta(hours=4)
    settings.PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER = timedelta(hours=8)
    assert placements_escalate(now=start + timedelta(hours=4)).to_supervisors == [notification.reference]
    assert placements_escalate(now=start + timedelta(hours=8)).to_duty_desk == [notification.reference]


def test_a_worker_back_after_an_outage_takes_both_steps_in_order(overdue):
    notification, start = overdue
    result = placements_escalate(now=start + timedelta(days=5))
    assert (result.to_supervisors, result.to_duty_desk) == ([notification.reference], [notification.reference])


def test_an_acknowledged_notification_is_not_chased(overdue, ny_analyst):
    notification, start = overdue
    placement_acknowledge(notification=notification, user=ny_analyst, local_intelligence_checked=True,
                          risk_management_plan="Flag on address", named_officer="PC Dale",
                          named_officer_contact="0300 000 0001", now=start + timedelta(hours=23))
    result = placements_escalate(now=start + timedelta(days=3))
    assert (result.to_supervisors, result.to_duty_desk) == ([], [])
    assert not Delivery.objects.filter(purpose__in=[Purpose.SUPERVISORS, Purpose.DUTY_DESK]).exists()


def test_between_the_steps_acknowledging_stops_the_duty_desk_step(overdue, ny_analyst):
    notification, start = overdue
    placements_escalate(now=start + timedelta(hours=25))
    placement_acknowledge(notification=notification, user=ny_analyst, local_intelligence_checked=False,
                          risk_management_plan="Visit the home", named_officer="PC Dale",
                          named_officer_contact="0300 000 0001", now=start + timedelta(hours=30))
    assert placements_escalate(now=start + timedelta(hours=48)).to_duty_desk == []


def test_the_timeline_gives_the_configured_times(overdue, settings):
    notification, start = overdue
    settings.PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER = timedelta(hours=1, minutes=30)
    settings.PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER = timedelta(hours=4)
    placements_escalate(now=start + timedelta(hours=4))
    details = dict(notification.timeline.filter(title__startswith="Escalated").values_list("title", "detail"))
    assert details["Escalated to North Yorkshire Police supervisors"] == "Not acknowledged within 1 hour 30 minutes."
    assert details["Escalated to the national duty desk"] == (
        "Not acknowledged by North Yorkshire Police within 4 hours.")


@pytest.mark.parametrize(("supervisors", "duty_desk", "ids"), [
    (timedelta(hours=24), timedelta(hours=48), []),
    (timedelta(0), timedelta(hours=48), ["placements.E001"]),
    (24, timedelta(hours=48), ["placements.E001"]),  # hours given as a number, not a timedelta
    (timedelta(hours=24), timedelta(hours=24), ["placements.E002"]),  # the duty desk must come second
    (timedelta(hours=48), timedelta(hours=24), ["placements.E002"]),
])
def test_the_delays_are_checked_when_the_service_starts(settings, supervisors, duty_desk, ids):
    from crossline.placements.conf import check_escalation_delays

    settings.PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER = supervisors
    settings.PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER = duty_desk
    assert [error.id for error in check_escalation_delays()] == ids


def test_the_delays_come_from_the_environment():
    import os
    import subprocess  # noqa: S404 - runs this interpreter with fixed arguments
    import sys

    code = ("import django; django.setup(); from crossline.placements import conf; "
            "print(conf.supervisors_after(), conf.duty_desk_after())")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PLACEMENT_")}
    env["DJANGO_SETTINGS_MODULE"] = "crossline.settings"
    defaults = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert defaults.stdout.split() == ["1", "day,", "0:00:00", "2", "days,", "0:00:00"]
    env |= {"PLACEMENT_ESCALATE_TO_SUPERVISORS_HOURS": "4", "PLACEMENT_ESCALATE_TO_DUTY_DESK_HOURS": "8.5"}
    configured = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert configured.stdout.split() == ["4:00:00", "8:30:00"]
