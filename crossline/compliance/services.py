"""Changes to compliance: the national schedule, reminders, and notices being read."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import User
from crossline.accounts.roles import VIEW_NATIONAL_COMPLIANCE, Role
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.compliance.models import (
    DUE_WORKING_DAYS_MAX,
    REMINDER_WORKING_DAYS_MAX,
    Frequency,
    Notice,
    ReminderKind,
    ReminderSent,
    ReturnSchedule,
)
from crossline.compliance.schedule import Period, is_period_start, recent_periods, schedule_versions
from crossline.compliance.timeliness import timeliness_by_force
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce

OVERDUE_REPEAT = timedelta(days=7)  # an overdue return is chased once a week, no more


# --- the schedule -----------------------------------------------------------------------------
@transaction.atomic
def return_schedule_set(*, effective_from: date, frequency: str = Frequency.MONTHLY, due_working_days: int,
                        reminder_working_days: int = 3, reason: str = "", changed_by: User | None,
                        request=None) -> ReturnSchedule:
    """Add a version of the national schedule. Only the national centre changes it (`changed_by`
    None is the platform itself: set-up and the demonstration). Once a schedule exists, a change
    may not start before the current period: deadlines already past are not rewritten."""
    if changed_by is not None and not (changed_by.has_perm(VIEW_NATIONAL_COMPLIANCE)
                                       and changed_by.organisation_id and changed_by.organisation.is_national):
        raise PermissionDenied("Only the national centre sets the return schedule.")
    errors = {}
    if frequency not in Frequency.values:
        errors["frequency"] = "Choose how often returns are due."
    elif not is_period_start(effective_from, frequency):
        errors["effective_from"] = "A schedule starts on the first day of a period: the 1st of a month."
    if not 1 <= due_working_days <= DUE_WORKING_DAYS_MAX:
        errors["due_working_days"] = f"Give a number of working days from 1 to {DUE_WORKING_DAYS_MAX}."
    if not 1 <= reminder_working_days <= REMINDER_WORKING_DAYS_MAX:
        errors["reminder_working_days"] = f"Give a number of working days from 1 to {REMINDER_WORKING_DAYS_MAX}."
    today = timezone.localdate()
    if ReturnSchedule.objects.exists() and effective_from < today.replace(day=1):
        errors["effective_from"] = ("A change cannot start in a month that has already ended: returns for past "
                                    "periods keep the deadlines they had.")
    if errors:
        raise ValidationError(errors)
    schedule = ReturnSchedule.objects.create(
        effective_from=effective_from, frequency=frequency, due_working_days=due_working_days,
        reminder_working_days=reminder_working_days, reason=reason.strip(), created_at=timezone.now(),
        created_by=changed_by)
    audit_record(action=AuditAction.CHANGE, object_type="compliance.ReturnSchedule", object_refs=[schedule.pk],
                 actor=changed_by, request=request,
                 detail={"effective_from": effective_from, "frequency": frequency,
                         "due_working_days": due_working_days, "reminder_working_days": reminder_working_days})
    return schedule


# --- notices ----------------------------------------------------------------------------------
@transaction.atomic
def notice_mark_read(*, notice: Notice, user: User) -> Notice:
    from crossline.compliance.selectors import notices_for

    if not notices_for(user=user).filter(pk=notice.pk).exists():
        raise PermissionDenied
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


# --- reminders --------------------------------------------------------------------------------
@dataclass
class ReminderRun:
    today: date
    sent: list[ReminderSent] = field(default_factory=list)
    emails: int = 0


def reminder_recipients(*, force: PoliceForce) -> list[User]:
    """The force's submitters; its organisation admins when it has none (they can add one)."""
    people = User.objects.filter(organisation__kind=OrganisationKind.POLICE_FORCE, organisation__police_force=force,
                                 organisation__is_active=True, is_active=True, suspended_at__isnull=True)
    for role in (Role.SUBMITTER, Role.ORGANISATION_ADMIN):
        found = list(people.filter(role_grants__role=role).distinct().order_by("pk"))
        if found:
            return found
    return []


def reminders_send(*, today: date | None = None) -> ReminderRun:
    """Remind each force of returns due within the schedule's reminder lead and not yet accepted
    ("due soon", once per period), and of returns past due and not accepted ("overdue", at most
    once a week), over the last year of periods. Safe to run as often as wanted, and concurrently."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    run = ReminderRun(today=today)
    periods = recent_periods(today, schedule_versions())
    forces = {force.pk: force for force in PoliceForce.objects.order_by("name")}
    timeliness = timeliness_by_force(force_codes=list(forces), periods=periods, now=now)
    for code, entries in timeliness.items():
        for entry in entries:
            if entry.accepted:
                continue
            period = entry.period
            if today > period.due:
                kind = ReminderKind.OVERDUE
                recent = ReminderSent.objects.filter(force_id=code, period_end=period.end, kind=kind,
                                                     sent_on__gt=today - OVERDUE_REPEAT)
            elif period.due_soon(today):
                kind = ReminderKind.DUE_SOON
                recent = ReminderSent.objects.filter(force_id=code, period_end=period.end, kind=kind)
            else:
                continue
            if recent.exists():
                continue
            reminder = _reminder_send(force=forces[code], period=period, kind=kind, today=today)
            if reminder is not None:
                run.sent.append(reminder)
                run.emails += reminder.recipients
    return run


@transaction.atomic
def _reminder_send(*, force: PoliceForce, period: Period, kind: str, today: date) -> ReminderSent | None:
    """The reminder row, its notices and its queued e-mails commit together or not at all; the
    task queue is in the same database, so it is the outbox. None if another run got there first."""
    from crossline.compliance.tasks import notice_email_send

    now = timezone.now()
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(force=force, period_start=period.start, period_end=period.end,
                                                   kind=kind, sent_on=today, due_date=period.due, created_at=now)
    except IntegrityError:
        return None
    title, text = _reminder_words(force=force, period=period, kind=kind)
    link = reverse("compliance:force_detail", args=[force.pk])
    recipients = reminder_recipients(force=force)
    for person in recipients:
        notice = Notice.objects.create(recipient_user=person, title=title, text=text, link=link, reminder=reminder,
                                       created_at=now)
        notice_email_send.enqueue(notice_id=notice.pk)
    if not recipients:
        # Nobody to write to yet: the notice waits for whoever joins the force.
        organisation = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE, police_force=force).first()
        if organisation is not None:
            Notice.objects.create(recipient_organisation=organisation, title=title, text=text, link=link,
                                  reminder=reminder, created_at=now)
    reminder.recipients = len(recipients)
    reminder.save(update_fields=["recipients"])
    audit_record(action=AuditAction.CREATE, object_type="compliance.ReminderSent", object_refs=[reminder.pk],
                 detail={"force": force.pk, "period_end": period.end, "kind": kind, "recipients": len(recipients)})
    return reminder


def _reminder_words(*, force: PoliceForce, period: Period, kind: str) -> tuple[str, str]:
    due = f"{period.due:%A} {period.due.day} {period.due:%B %Y}"
    if kind == ReminderKind.DUE_SOON:
        return (f"Return for {period.label} due {period.due.day} {period.due:%B}",
                f"{force.force_name}'s national return for {period.label} is due by the end of {due}. "
                "It has not been received yet.")
    return (f"Return for {period.label} is overdue",
            f"{force.force_name}'s national return for {period.label} was due by the end of {due} and has not "
            "been received. Submit it as soon as you can, or tell the national centre why it is delayed.")
