"""Intensification weeks: a week of concentrated action against county lines that the national
centre opens, and each force's results for it.

A force's results are versioned like a return: a resubmission adds the next version and marks it
current; earlier versions stay, so what a force said and when is never lost. Totals are always
worked out from the current versions (selectors.py): nothing here copies them.
"""

from django.db import models
from django.db.models import Q

from crossline.returns.format import DRUGS


class IntensificationWeek(models.Model):
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()  # the last day of action, inclusive
    results_due_on = models.DateField()  # results are due by the end of this day
    focus = models.TextField(blank=True)  # what the national centre asks forces to concentrate on
    opened_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="week_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(results_due_on__gte=models.F("ends_on")),
                                   name="week_results_due_after_it_ends"),
        ]

    def __str__(self) -> str:
        return self.name


class SubmittedThrough(models.TextChoices):
    FORM = "form", "Web form"
    UPLOAD = "upload", "Spreadsheet upload"
    API = "api", "API"


class WeekResult(models.Model):
    """One version of one force's results for one week."""

    week = models.ForeignKey(IntensificationWeek, on_delete=models.PROTECT, related_name="results")
    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    machine_client = models.ForeignKey("accounts.MachineClient", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    submitted_at = models.DateTimeField()
    submitted_through = models.CharField(max_length=8, choices=SubmittedThrough.choices)
    filename = models.CharField(max_length=255, blank=True)  # an upload's file name
    # The API's Idempotency-Key: a retry with the same key and body gets this version back.
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    # Plausibility warnings shown when it was submitted: [{"field", "message", "code"}].
    warnings = models.JSONField(default=list, blank=True)

    arrests = models.PositiveIntegerField()
    charges = models.PositiveIntegerField()
    cash_seized_gbp = models.DecimalField(max_digits=11, decimal_places=2)
    weapons_firearms = models.PositiveIntegerField()
    weapons_bladed = models.PositiveIntegerField()
    weapons_other = models.PositiveIntegerField()
    safeguarded_children = models.PositiveIntegerField()
    safeguarded_adults = models.PositiveIntegerField()
    nrm_referrals = models.PositiveIntegerField()
    cuckooed_addresses_visited = models.PositiveIntegerField()
    lines_closed_type_1 = models.PositiveIntegerField()
    lines_closed_type_2 = models.PositiveIntegerField()

    class Meta:
        ordering = ["week", "force__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["week", "force", "version"], name="one_week_result_version"),
            models.UniqueConstraint(fields=["week", "force"], condition=Q(is_current=True),
                                    name="one_current_week_result"),
            models.UniqueConstraint(fields=["organisation", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="one_week_result_per_idempotency_key"),
        ]
        indexes = [models.Index(fields=["week", "is_current"], name="week_result_current")]

    def __str__(self) -> str:
        return f"{self.force_id} {self.week_id} v{self.version}"

    @property
    def actor(self):
        return self.submitted_by or self.machine_client


class DrugSeizure(models.Model):
    """The weight of one drug a force seized in the week (only drugs it seized any of)."""

    result = models.ForeignKey(WeekResult, on_delete=models.CASCADE, related_name="drug_seizures")
    drug = models.CharField(max_length=32, choices=[(drug, drug) for drug in DRUGS])
    grams = models.DecimalField(max_digits=10, decimal_places=3)

    class Meta:
        ordering = ["result", "drug"]
        constraints = [
            models.UniqueConstraint(fields=["result", "drug"], name="one_seizure_figure_per_drug"),
            models.CheckConstraint(condition=Q(grams__gt=0), name="seizure_weighs_something"),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.grams} g"


class ResultsReminder(models.Model):
    """That a force was reminded to send its results for a week. Made in the same transaction as
    the notices and the queued e-mails, and unique per week and force, so that however often or
    concurrently the reminder task runs, a force is reminded once."""

    week = models.ForeignKey(IntensificationWeek, on_delete=models.PROTECT, related_name="reminders")
    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "force"], name="one_results_reminder")]

    def __str__(self) -> str:
        return f"{self.force_id} reminded about week {self.week_id}"
