"""`crossline compliance schedule` shows and sets the schedule; `crossline compliance remind` runs
the reminders now or queues the run for the worker."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from crossline.audit.models import AuditEvent
from crossline.compliance.models import ReminderSent, ReturnSchedule
from crossline.compliance.tasks import reminders_send
from crossline.compliance.tests.support import london

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    with freeze_time(london(2026, 11, 26, 7)):
        call_command("compliance", *args, stdout=out)
    return out.getvalue()


def test_setting_and_showing_the_schedule():
    assert "No return schedule has been set" in _run("schedule")

    shown = _run("schedule", "--set-from", "2026-09-01")

    assert "From 2026-09-01: monthly, due 10 working days after the period ends" in shown
    assert "October 2026                Fri 13 Nov 2026" in shown
    assert AuditEvent.objects.filter(object_type="compliance.ReturnSchedule", actor_kind="system").count() == 1
    with pytest.raises(CommandError, match="already ended"):
        _run("schedule", "--set-from", "2026-10-01")
    assert ReturnSchedule.objects.count() == 1


def test_remind_sends_now_or_through_the_worker(wy_submitter):
    _run("schedule", "--set-from", "2026-10-01")

    queued = _run("remind", "--enqueue")
    assert queued.startswith("Queued reminders run")
    assert not ReminderSent.objects.exists()
    task = DBTaskResult.objects.get(task_path=reminders_send.module_path)
    with freeze_time(london(2026, 11, 26, 7)):
        assert task.task.call()["reminders"] == 44  # every force is overdue with October
    assert "reminders sent: 0" in _run("remind")  # already done today
