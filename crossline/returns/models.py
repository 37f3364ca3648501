"""National returns as stored: every attempt to submit one, and each accepted return's records.

A `Submission` is one attempt (accepted, rejected, a duplicate, or still being received) and is
never deleted: a rejected return is kept as an attempt with its error report. An accepted
attempt creates a `NationalReturn`: one version of one force's return for one period. A later
return for the same force and period is the next version and supersedes it; earlier versions
keep their records, so the history stays readable.

Records keep their provenance (return, version through the return, sheet by table, row number
and the submitter's ref), their intelligence grading, the normalised values as typed columns for
searching and matching, and `submitted`: the cells exactly as the submitter gave them.
"""

from django.db import models
from django.db.models import Q

REF_MAX = 100  # normalise.MAX_REF_CHARS
NAME_KEY_MAX = 200  # a longer name is still found by its first 200 characters


class SubmissionForm(models.TextChoices):
    XLSX = "xlsx", "Excel workbook (.xlsx)"
    ZIP = "zip", "Zip of CSV files"
    JSON = "json", "JSON document"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Received"  # kept, not yet decided: in flight, or its process died
    REJECTED = "rejected", "Rejected"
    ACCEPTED = "accepted", "Accepted"
    DUPLICATE = "duplicate", "Duplicate"  # the same content as a stored return: nothing new
    FAILED = "failed", "Failed"  # the platform failed, not the return: sending it again may work


class IssueSeverity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


class Submission(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="submissions")
    submitted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="submissions")
    machine_client = models.ForeignKey("accounts.MachineClient", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="submissions")
    received_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    form = models.CharField(max_length=8, choices=SubmissionForm.choices, blank=True)  # blank: not a form
    filename = models.CharField(max_length=255)
    raw_sha256 = models.CharField(max_length=64, db_index=True)
    raw_size = models.BigIntegerField()
    raw_kept = models.BooleanField(default=False)  # a file over the size limit is refused, not kept
    # The API's Idempotency-Key: a retry with the same key and body gets this submission back.
    idempotency_key = models.CharField(max_length=255, blank=True)  # blank: none was given
    request_fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED)
    rows_read = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # The return this attempt created (accepted) or matched (duplicate).
    national_return = models.ForeignKey("NationalReturn", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="submissions")
    failure = models.CharField(max_length=200, blank=True)  # what failed, never the data itself
    # What the return said it was for, as far as it could be read: kept for a rejected attempt
    # too, so that a force's history shows the attempts for each period. Null: not readable.
    force = models.ForeignKey("reference.PoliceForce", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "idempotency_key"],
                                    condition=~Q(idempotency_key=""),
                                    name="one_submission_per_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["organisation", "-received_at"], name="submission_by_organisation"),
            models.Index(fields=["force", "period_start", "period_end"], name="submission_by_period"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.filename}, {self.status})"

    @property
    def actor(self):
        return self.submitted_by or self.machine_client


class SubmissionIssue(models.Model):
    """One line of a submission's error report: an error (rejects the return) or a warning."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="issues")
    severity = models.CharField(max_length=8, choices=IssueSeverity.choices)
    sheet = models.CharField(max_length=64, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=64, blank=True)
    value = models.CharField(max_length=200, blank=True)  # as given, cut short
    message = models.TextField()
    code = models.CharField(max_length=64)
    where = models.CharField(max_length=100, blank=True)  # as the submitter sees it: "people row 5", "item 4"

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["submission", "severity", "id"], name="issue_by_submission")]

    def __str__(self) -> str:
        return f"{self.where or self.sheet or 'file'} {self.column}: {self.message}"


class NationalReturn(models.Model):
    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="national_returns")
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    # SHA-256 of the normalised content: the same records in another form (.xlsx, .zip, JSON) or
    # with other cell formatting give the same digest.
    content_sha256 = models.CharField(max_length=64)
    format_version = models.PositiveSmallIntegerField()
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    submitted_by = models.TextField()  # the person responsible, as the return names them
    contact_email = models.CharField(max_length=320)
    accepted_at = models.DateTimeField()
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="created_return")
    line_count = models.PositiveIntegerField(default=0)
    person_count = models.PositiveIntegerField(default=0)
    location_count = models.PositiveIntegerField(default=0)
    vehicle_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["force", "-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["force", "period_start", "period_end", "version"],
                                    name="one_return_per_version"),
            models.UniqueConstraint(fields=["force", "period_start", "period_end"], condition=Q(is_current=True),
                                    name="one_current_return_per_period"),
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")),
                                   name="return_period_in_order"),
        ]
        indexes = [models.Index(fields=["force", "period_start", "period_end"], name="return_by_period")]

    def __str__(self) -> str:
        return f"{self.force_id} {self.period_start}–{self.period_end} v{self.version}"

    @property
    def counts(self) -> dict[str, int]:
        return {"lines": self.line_count, "people": self.person_count, "locations": self.location_count,
                "vehicles": self.vehicle_count, "events": self.event_count}


class Graded(models.Model):
    """What every record of a return carries: where it came from and how far to trust it."""

    # Not indexed alone: the (national_return, ref) constraint's index serves lookups by return.
    national_return = models.ForeignKey(NationalReturn, on_delete=models.CASCADE, related_name="+", db_index=False)
    row_number = models.PositiveIntegerField()
    ref = models.CharField(max_length=REF_MAX)
    source_eval = models.CharField(max_length=1)
    intel_assessment = models.CharField(max_length=1)
    handling_code = models.CharField(max_length=1)
    handling_conditions = models.TextField(blank=True)
    submitted = models.JSONField(default=dict)  # the cells exactly as given

    class Meta:
        abstract = True
        ordering = ["national_return", "row_number"]
        constraints = [models.UniqueConstraint(fields=["national_return", "ref"], name="%(class)s_one_per_ref")]
        indexes = [models.Index(fields=["ref"], name="%(class)s_by_ref")]

    def __str__(self) -> str:
        return self.ref


class Placed(models.Model):
    """A postcode as given (canonical) and where the reference data puts it."""

    postcode = models.CharField(max_length=8, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)
    postcode_force = models.ForeignKey("reference.PoliceForce", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    postcode_local_authority = models.ForeignKey("reference.LocalAuthority", null=True, blank=True,
                                                 on_delete=models.PROTECT, related_name="+", db_index=False)
    location_confidence = models.CharField(max_length=12, blank=True)  # lookups.Confidence

    class Meta:
        abstract = True


class Line(Graded):
    line_name = models.TextField(blank=True)
    deal_numbers = models.JSONField(default=list)  # E.164; searchable through PhoneNumber
    exporting_area_code = models.CharField(max_length=9)  # a force or a local authority
    exporting_area_kind = models.CharField(max_length=16)  # "force" or "local_authority"
    exporting_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    importing_area_codes = models.JSONField(default=list)
    importing_force_codes = models.JSONField(default=list)
    drugs = models.JSONField(default=list)
    status = models.CharField(max_length=16)
    closure_type = models.CharField(max_length=8, blank=True)
    first_reported = models.DateField(null=True, blank=True)
    last_reported = models.DateField(null=True, blank=True)
    violence = models.BooleanField(null=True, blank=True)
    weapons = models.JSONField(default=list)
    notes = models.TextField(blank=True)


class Person(Graded, Placed):
    surname = models.TextField(blank=True)
    forenames = models.TextField(blank=True)
    aliases = models.JSONField(default=list)
    surname_key = models.CharField(max_length=NAME_KEY_MAX, blank=True)  # normalise.name_key
    forenames_key = models.CharField(max_length=NAME_KEY_MAX, blank=True)
    alias_keys = models.JSONField(default=list)
    date_of_birth = models.DateField(null=True, blank=True)
    age_estimate = models.PositiveIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=8, blank=True)
    pnc_id = models.CharField(max_length=16, blank=True)  # as given, upper-case
    pnc_key = models.CharField(max_length=16, blank=True)  # serial zero-padded: one person, one key
    phone_numbers = models.JSONField(default=list)  # E.164; searchable through PhoneNumber
    address = models.TextField(blank=True)
    roles = models.JSONField(default=list)
    vulnerable = models.BooleanField()
    vulnerability_factors = models.JSONField(default=list)
    looked_after_by_code = models.CharField(max_length=9, blank=True)  # the council's GSS code
    nrm_status = models.CharField(max_length=16, blank=True)
    safeguarding_actions = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    is_child = models.BooleanField(default=False)  # under 18 on the return's period_end

    class Meta(Graded.Meta):
        verbose_name_plural = "people"
        indexes = [
            *Graded.Meta.indexes,
            models.Index(fields=["surname_key", "forenames_key"], name="person_by_name_key"),
            models.Index(fields=["pnc_key"], name="person_by_pnc"),
            models.Index(fields=["postcode_district"], name="person_by_district"),
            # Placement notifications look the placed child up by date of birth (placements.crossmatch).
            models.Index(fields=["date_of_birth"], name="person_by_birth_date"),
        ]


class Location(Graded, Placed):
    type = models.CharField(max_length=20)
    address = models.TextField(blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    first_reported = models.DateField(null=True, blank=True)
    last_reported = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta(Graded.Meta):
        indexes = [*Graded.Meta.indexes, models.Index(fields=["postcode_district"], name="location_by_district")]


class Vehicle(Graded):
    vrm = models.CharField(max_length=8)
    make = models.TextField(blank=True)
    model = models.TextField(blank=True)
    colour = models.TextField(blank=True)

    class Meta(Graded.Meta):
        indexes = [*Graded.Meta.indexes, models.Index(fields=["vrm"], name="vehicle_by_vrm")]


class Event(Graded, Placed):
    date = models.DateField()
    type = models.CharField(max_length=24)
    location_ref = models.CharField(max_length=REF_MAX, blank=True)
    drug = models.CharField(max_length=16, blank=True)
    quantity_grams = models.DecimalField(max_digits=19, decimal_places=4, null=True, blank=True)
    cash_gbp = models.DecimalField(max_digits=19, decimal_places=2, null=True, blank=True)
    weapon = models.CharField(max_length=16, blank=True)
    description = models.TextField(blank=True)

    class Meta(Graded.Meta):
        indexes = [*Graded.Meta.indexes, models.Index(fields=["postcode_district"], name="event_by_district")]


class PhoneNumber(models.Model):
    """A number a line deals from or a person uses, one row each, so that a number is found fast."""

    national_return = models.ForeignKey(NationalReturn, on_delete=models.CASCADE, related_name="+", db_index=False)
    sheet = models.CharField(max_length=16)  # "lines" (a deal number) or "people"
    ref = models.CharField(max_length=REF_MAX)
    e164 = models.CharField(max_length=20)

    class Meta:
        indexes = [
            models.Index(fields=["e164"], name="phone_by_number"),
            models.Index(fields=["national_return", "sheet", "ref"], name="phone_by_record"),
        ]

    def __str__(self) -> str:
        return self.e164


class RecordLink(models.Model):
    """A cross-reference within one return: this person is on that line, this event at that place."""

    national_return = models.ForeignKey(NationalReturn, on_delete=models.CASCADE, related_name="+", db_index=False)
    from_sheet = models.CharField(max_length=16)
    from_ref = models.CharField(max_length=REF_MAX)
    to_sheet = models.CharField(max_length=16)
    to_ref = models.CharField(max_length=REF_MAX)

    class Meta:
        indexes = [
            models.Index(fields=["national_return", "from_sheet", "from_ref"], name="link_from"),
            models.Index(fields=["national_return", "to_sheet", "to_ref"], name="link_to"),
        ]

    def __str__(self) -> str:
        return f"{self.from_sheet}:{self.from_ref} -> {self.to_sheet}:{self.to_ref}"


# The table each sheet's records go to, in the order the format reads them.
RECORD_MODELS: dict[str, type[Graded]] = {
    "lines": Line, "people": Person, "locations": Location, "vehicles": Vehicle, "events": Event,
}
