"""Return compliance: the schedule forces' national returns are due on, the reminders sent about
them, and the notices people see in the service.

Timeliness, completeness and quality are worked out from the returns themselves whenever they
are asked for (timeliness.py, scores.py): nothing here copies them, so they can never disagree.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

DUE_WORKING_DAYS_MAX = 40
REMINDER_WORKING_DAYS_MAX = 20


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    # A quarterly schedule would be QUARTERLY = "quarterly" with 3 in MONTHS_PER_PERIOD: its
    # periods then start in January, April, July and October (schedule.py follows the table).


MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1}


class ReturnSchedule(models.Model):
    """One version of the national schedule. A change never edits a version: it adds one, which
    governs every period starting on or after its `effective_from` (the latest made wins when
    two start on the same day). Periods before the first version are not expected of anyone."""

    effective_from = models.DateField(help_text="The first period this version governs starts on this day.")
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY)
    due_working_days = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(DUE_WORKING_DAYS_MAX)])
    reminder_working_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(REMINDER_WORKING_DAYS_MAX)])
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["effective_from", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_working_days__gte=1, due_working_days__lte=DUE_WORKING_DAYS_MAX),
                                   name="schedule_due_working_days_in_range"),
            models.CheckConstraint(condition=Q(reminder_working_days__gte=1,
                                               reminder_working_days__lte=REMINDER_WORKING_DAYS_MAX),
                                   name="schedule_reminder_working_days_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} from {self.effective_from}, due after {self.due_working_days} working days"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class ReminderSent(models.Model):
    """That a force was reminded about one period's return on one day. Written in the same
    transaction as the notices and the queued e-mails, so that a second run, or two at once,
    cannot remind twice and a crash cannot lose a reminder half-made."""

    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_on = models.DateField()
    due_date = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "force"]
        constraints = [
            models.UniqueConstraint(fields=["force", "period_end", "kind", "sent_on"], name="one_reminder_a_day"),
        ]
        indexes = [models.Index(fields=["force", "period_end", "kind"], name="reminder_by_period")]

    def __str__(self) -> str:
        return f"{self.force_id} {self.period_end} {self.kind} on {self.sent_on}"


class Notice(models.Model):
    """A message in the service for one person, or for everyone in an organisation."""

    recipient_user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="notices")
    recipient_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                               on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(max_length=120)
    text = models.TextField()
    link = models.CharField(max_length=200, blank=True)  # a path in the service, never another site
    reminder = models.ForeignKey(ReminderSent, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="notices")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_user__isnull=False, recipient_organisation__isnull=True)
                           | Q(recipient_user__isnull=True, recipient_organisation__isnull=False)),
                name="notice_has_one_recipient"),
            models.CheckConstraint(condition=Q(link="") | Q(link__startswith="/"), name="notice_link_is_a_path"),
        ]
        indexes = [
            models.Index(fields=["recipient_user", "read_at"], name="notice_by_user"),
            models.Index(fields=["recipient_organisation", "read_at"], name="notice_by_organisation"),
        ]

    def __str__(self) -> str:
        return self.title
