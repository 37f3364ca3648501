"""Reminders before a return is due and when it is overdue: e-mailed to the force's submitters and
shown in the service, once however often the run is repeated, and never for a return received."""

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from crossline.accounts.roles import Role
from crossline.compliance import services
from crossline.compliance.models import Notice, ReminderKind, ReminderSent, ReturnSchedule
from crossline.compliance.schedule import recent_periods
from crossline.compliance.services import reminders_send
from crossline.compliance.tasks import notice_email_send
from crossline.compliance.tests.support import london, monthly_return, submit_at
from crossline.conftest import make_user
from crossline.organisations.selectors import force_organisation
from crossline.reference.models import PoliceForce
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db
WY, NY = "E23000010", "E23000009"
OCTOBER = london(2026, 10, 31).date()  # due by the end of Friday 13 November; reminders from Tuesday 10th


@pytest.fixture
def schedule(db, wy_submitter, raw_store):
    """From September 2026, which West Yorkshire has sent; October is outstanding."""
    ReturnSchedule.objects.create(effective_from=london(2026, 9, 1).date(), due_working_days=10,
                                  reminder_working_days=3, created_at=london(2026, 8, 1))
    submit_at(london(2026, 10, 5, 9), wy_submitter, monthly_return(2026, 9))


def _run(day) -> None:
    with freeze_time(london(*day, 7, 0)):
        reminders_send()


def _sent(force=WY, kind=None):
    found = ReminderSent.objects.filter(force_id=force, period_end=OCTOBER)
    return found.filter(kind=kind) if kind else found


def _deliver() -> None:
    """What `crossline db_worker` does with the queued e-mails."""
    for queued in DBTaskResult.objects.filter(task_path=notice_email_send.module_path):
        queued.task.call(**queued.args_kwargs["kwargs"])
        queued.delete()


def test_a_submitter_is_reminded_once_when_the_return_is_due_soon(schedule, wy_submitter, wy_analyst):
    _run((2026, 11, 9))
    assert not _sent().exists()  # four working days ahead: not yet

    _run((2026, 11, 10))
    _run((2026, 11, 10))
    _run((2026, 11, 12))

    assert list(_sent().values_list("kind", "sent_on", "recipients")) == [
        (ReminderKind.DUE_SOON, london(2026, 11, 10).date(), 1)]
    notice = Notice.objects.get(recipient_user=wy_submitter)
    assert notice.title == "Return for October 2026 due 13 November"
    assert notice.link == f"/compliance/forces/{WY}/"
    assert not Notice.objects.filter(recipient_user=wy_analyst).exists()  # analysts are not chased
    _deliver()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [wy_submitter.email]
    assert "due by the end of Friday 13 November 2026" in mail.outbox[0].body


def test_an_overdue_return_is_chased_at_most_once_a_week(schedule, wy_submitter):
    _run((2026, 11, 13))  # the due date itself: still only due
    assert not _sent(kind=ReminderKind.OVERDUE).exists()
    _run((2026, 11, 14))
    _run((2026, 11, 16))
    _run((2026, 11, 20))
    _run((2026, 11, 21))

    assert list(_sent(kind=ReminderKind.OVERDUE).order_by("sent_on").values_list("sent_on", flat=True)) == [
        london(2026, 11, 14).date(), london(2026, 11, 21).date()]
    _deliver()
    overdue = [message for message in mail.outbox if "overdue" in message.subject]
    assert len(overdue) == 2
    assert "was due by the end of Friday 13 November 2026 and has not been received" in overdue[0].body


def test_no_reminder_once_the_return_is_accepted(schedule, wy_submitter):
    submit_at(london(2026, 11, 9, 15), wy_submitter, monthly_return(2026, 10))
    _run((2026, 11, 10))
    _run((2026, 11, 16))
    assert not _sent().exists()
    assert _sent(force=NY).count() == 2  # North Yorkshire sent nothing: reminded, then chased


@pytest.fixture
def ny_submitter_suspended(north_yorkshire_police):
    user = make_user(north_yorkshire_police, Role.SUBMITTER)
    user.suspended_at = timezone.now()
    user.save(update_fields=["suspended_at"])
    return user


def test_organisation_admins_are_reminded_when_a_force_has_no_active_submitter(schedule, ny_admin, ny_analyst,
                                                                              ny_submitter_suspended):
    _run((2026, 11, 10))
    assert list(Notice.objects.filter(reminder__force_id=NY, reminder__period_end=OCTOBER)
                .values_list("recipient_user", flat=True)) == [ny_admin.pk]


def test_a_force_with_nobody_to_write_to_gets_a_notice_for_whoever_joins(schedule):
    _run((2026, 11, 10))
    notice = Notice.objects.get(reminder__force_id="E23000004", reminder__period_end=OCTOBER)
    assert notice.recipient_organisation == force_organisation("E23000004")
    assert not DBTaskResult.objects.filter(task_path=notice_email_send.module_path,
                                           args_kwargs__kwargs__notice_id=notice.pk).exists()
    joiner = make_user(force_organisation("E23000004"), Role.ANALYST)
    from crossline.compliance.selectors import notices_unread_count

    assert notices_unread_count(user=joiner) >= 1


def test_two_runs_at_once_remind_once(schedule, wy_submitter):
    period = next(p for p in recent_periods(london(2026, 11, 10).date()) if p.end == OCTOBER)
    force = PoliceForce.objects.get(pk=WY)
    with freeze_time(london(2026, 11, 10, 7)):
        first = services._reminder_send(force=force, period=period, kind=ReminderKind.DUE_SOON,
                                        today=london(2026, 11, 10).date())
        second = services._reminder_send(force=force, period=period, kind=ReminderKind.DUE_SOON,
                                         today=london(2026, 11, 10).date())
    assert first is not None and second is None
    assert Notice.objects.filter(recipient_user=wy_submitter).count() == 1


def test_a_run_that_fails_half_way_leaves_nothing_and_the_next_run_sends(schedule, wy_submitter, monkeypatch):
    def queue_down():
        raise ConnectionError("task queue unavailable")

    monkeypatch.setattr(DatabaseBackend, "enqueue", lambda self, task, args, kwargs: queue_down())
    with pytest.raises(ConnectionError):
        _run((2026, 11, 10))
    assert not _sent().exists() and not Notice.objects.filter(recipient_user=wy_submitter).exists()

    monkeypatch.undo()
    _run((2026, 11, 10))
    _deliver()
    assert _sent().count() == 1
    assert [message.to for message in mail.outbox] == [[wy_submitter.email]]

