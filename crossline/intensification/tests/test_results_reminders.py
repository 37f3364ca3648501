"""Forces without results are reminded before they are due: once, however often the task runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.compliance.models import Notice
from crossline.conftest import make_user
from crossline.intensification.models import ResultsReminder
from crossline.intensification.services import results_reminders_send, results_submit
from crossline.intensification.tasks import reminders_send
from crossline.intensification.tests.support import NORTH_YORKSHIRE, WEST_YORKSHIRE, raw, week_on
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _week_due_tomorrow():
    return week_on(timezone.localdate() - timedelta(days=8), "Due tomorrow")  # due 9 days after it starts


def test_forces_without_results_are_reminded_once(wy_submitter, ny_admin, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    week = _week_due_tomorrow()
    results_submit(week=week, force=PoliceForce.objects.get(pk=NORTH_YORKSHIRE), raw=raw(), through="form",
                   actor=make_user(ny_admin.organisation, Role.SUBMITTER))
    sent = results_reminders_send()
    assert WEST_YORKSHIRE in {r.force_id for r in sent} and NORTH_YORKSHIRE not in {r.force_id for r in sent}
    assert len(sent) == PoliceForce.objects.count() - 1
    notice = Notice.objects.get(recipient_user=wy_submitter)
    assert notice.link == f"/intensification/{week.pk}/results/" and "Due tomorrow" in notice.title
    assert any(wy_submitter.email in message.to for message in mail.outbox)
    assert results_reminders_send() == [] and reminders_send.call()["reminders"] == 0
    assert ResultsReminder.objects.filter(force_id=WEST_YORKSHIRE).count() == 1


def test_no_reminder_long_before_results_are_due_or_after(wy_submitter):
    week_on(timezone.localdate() - timedelta(days=2), "Early")  # due in 7 days
    week_on(timezone.localdate() - timedelta(days=20), "Gone")  # due 11 days ago
    assert results_reminders_send() == []
