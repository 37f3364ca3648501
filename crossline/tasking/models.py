"""Taskings, the owners' responses and outcomes, chasing, deconfliction, and local priority nominations.

A `Tasking` is set by a national or regional co-ordinator for one line or a network of lines
(linkage `Entity` rows of kind "line") and given to one or more owner organisations. Each owner
answers for itself (`TaskingOwner`: accept or decline with a reason, updates, completion with
outcomes), so one force declining does not undo another's work. Everything that happens is a
`TaskingEvent` on the tasking's timeline, written by the service that made it happen.

`TaskingChase` and `DeconflictionNotice` are the rows whose unique constraints make the
background chase safe to repeat and to run twice at once: the row, the notices and the queued
e-mails commit together, and a second run finds the row and sends nothing.

A `Nomination` is a force's case for a line: make it a local priority, or give regional or
national support. A co-ordinator decides, with a reason the force sees.
"""

from django.db import models
from django.db.models import Q


class Objective(models.TextChoices):
    DISRUPT = "disrupt", "Disrupt"
    SAFEGUARD = "safeguard", "Safeguard"
    INVESTIGATE = "investigate", "Investigate"
    CLOSE_LINE = "close_line", "Close the line"


class TaskingPriority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class TaskingStatus(models.TextChoices):
    LIVE = "live", "Live"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined by every owner"
    CANCELLED = "cancelled", "Cancelled"


class OwnerStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for a response"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"


LIVE_OWNER_STATUSES = (OwnerStatus.AWAITING, OwnerStatus.ACCEPTED)


class ClosureType(models.TextChoices):
    NONE = "", "Not closed"
    TYPE1 = "type1", "Type 1: line holder charged"
    TYPE2 = "type2", "Type 2: deal number deactivated"


class Tasking(models.Model):
    reference = models.CharField(max_length=20, unique=True)  # e.g. TK-2026-0007, what people quote
    title = models.CharField(max_length=150)
    objective = models.CharField(max_length=16, choices=Objective.choices)
    priority = models.CharField(max_length=8, choices=TaskingPriority.choices)
    due_date = models.DateField()
    instructions = models.TextField()
    status = models.CharField(max_length=10, choices=TaskingStatus.choices, default=TaskingStatus.LIVE)
    lines = models.ManyToManyField("linkage.Entity", related_name="taskings")
    # Who set it: the national centre (region empty) or a ROCU (its region).
    tasking_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                             related_name="taskings_set")
    region = models.ForeignKey("reference.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # The nomination this tasking answers, if a force asked for it.
    nomination = models.ForeignKey("Nomination", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="taskings")

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="tasking_by_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class TaskingOwner(models.Model):
    """One owner organisation's part in a tasking: its answer, and what it achieved."""

    tasking = models.ForeignKey(Tasking, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="taskings_owned")
    status = models.CharField(max_length=10, choices=OwnerStatus.choices, default=OwnerStatus.AWAITING)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    decline_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # Outcomes, given on completion.
    closure_type = models.CharField(max_length=8, choices=ClosureType.choices, blank=True)
    arrests = models.PositiveIntegerField(default=0)
    charges = models.PositiveIntegerField(default=0)
    safeguarding_referrals = models.PositiveIntegerField(default=0)
    nrm_referrals = models.PositiveIntegerField(default=0)
    outcome_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["tasking", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["tasking", "organisation"], name="one_owner_row_per_tasking")]
        indexes = [models.Index(fields=["organisation", "status"], name="tasking_owner_by_org")]

    def __str__(self) -> str:
        return f"{self.tasking_id} owned by {self.organisation_id}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_OWNER_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", "Tasking set"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    UPDATE = "update", "Update"
    COMPLETED = "completed", "Completed"
    CHASED = "chased", "Chased as overdue"
    DECONFLICTION = "deconfliction", "Deconfliction"
    CANCELLED = "cancelled", "Cancelled"


class TaskingEvent(models.Model):
    """One entry on a tasking's timeline (never edited: a correction is a new update)."""

    tasking = models.ForeignKey(Tasking, on_delete=models.CASCADE, related_name="events")
    owner = models.ForeignKey(TaskingOwner, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.tasking_id}"


class TaskingChase(models.Model):
    """An overdue owner was chased on this day (in the service and by e-mail)."""

    owner = models.ForeignKey(TaskingOwner, on_delete=models.CASCADE, related_name="chases")
    sent_on = models.DateField()
    due_date = models.DateField()  # the due date it was chased against (a new due date starts afresh)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [models.UniqueConstraint(fields=["owner", "sent_on"], name="one_chase_per_owner_per_day")]

    def __str__(self) -> str:
        return f"Chase of {self.owner_id} on {self.sent_on}"


class DeconflictionNotice(models.Model):
    """Two organisations are working on the same line, person or place: both were told, once.

    The pair is stored in a fixed order (lower id first) so that "A and B" and "B and A" are
    one row, for each tasked line.
    """

    line = models.ForeignKey("linkage.Entity", on_delete=models.CASCADE, related_name="+")
    first_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    second_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    taskings = models.ManyToManyField(Tasking, related_name="deconflictions")
    # What they meet on and why each is there, as ids and words: never personal content.
    shared_entities = models.JSONField(default=list)  # [{"kind": "person", "entity": 12}, ...]
    reasons = models.JSONField(default=dict)  # organisation id -> "tasking TK-..." / "reported in return ..."
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "first_organisation", "second_organisation"],
                                    name="one_deconfliction_per_pair_and_line"),
            models.CheckConstraint(condition=Q(first_organisation__lt=models.F("second_organisation")),
                                   name="deconfliction_pair_in_order"),
        ]

    def __str__(self) -> str:
        return f"Deconfliction on line {self.line_id}"


class NominationKind(models.TextChoices):
    LOCAL_PRIORITY = "local_priority", "Make it a local priority"
    REGIONAL_SUPPORT = "regional_support", "Ask for regional support"
    NATIONAL_SUPPORT = "national_support", "Ask for national support"


class NominationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    AGREED = "agreed", "Agreed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Nomination(models.Model):
    """A force's case that a line matters more than its score says, or needs help beyond the force."""

    line = models.ForeignKey("linkage.Entity", on_delete=models.PROTECT, related_name="nominations")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="nominations")
    kind = models.CharField(max_length=20, choices=NominationKind.choices)
    rationale = models.TextField()
    status = models.CharField(max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING)
    nominated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # empty when the force's system sent it (API)
    nominated_by_client = models.ForeignKey("accounts.MachineClient", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    nominated_at = models.DateTimeField()
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_by_client = models.ForeignKey("accounts.MachineClient", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    decided_by_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-nominated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "organisation", "kind"], condition=Q(status="pending"),
                                    name="one_pending_nomination_per_line_and_kind"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="nomination_by_status")]

    def __str__(self) -> str:
        return f"Nomination {self.pk} ({self.get_kind_display()})"


class TaskingMeeting(models.Model):
    """A tasking meeting held (or to be held) for a region or the nation: its pack covers what
    happened since the previous meeting of the same scope."""

    region = models.ForeignKey("reference.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "held_on"], name="one_meeting_per_region_and_day"),
            models.UniqueConstraint(fields=["held_on"], condition=Q(region__isnull=True),
                                    name="one_national_meeting_per_day"),
        ]

    def __str__(self) -> str:
        return f"Tasking meeting {self.held_on} ({self.region_id or 'national'})"


class ApiRequest(models.Model):
    """A change a machine client made through the tasking API, under its Idempotency-Key. Written
    in the same transaction as the change, so that a retry with the same key and body gets the
    first answer and changes nothing, and the same key with another body is refused."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    operation = models.CharField(max_length=32)  # the API's operation id, e.g. "taskings_answer"
    tasking = models.ForeignKey(Tasking, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    machine_client = models.ForeignKey("accounts.MachineClient", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "idempotency_key"],
                                    name="one_tasking_api_request_per_key"),
            models.CheckConstraint(condition=Q(tasking__isnull=False) | Q(nomination__isnull=False),
                                   name="tasking_api_request_made_something"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} under key {self.idempotency_key[:12]}"


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be prepared"
    BUILDING = "building", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


PACK_IN_PROGRESS = (PackStatus.QUEUED, PackStatus.BUILDING)


class MeetingPack(models.Model):
    """A meeting's PDF pack, prepared by the background worker for the co-ordinator who asked.

    The pack holds what its requester may see (their own need-to-know grants included), so it is
    theirs alone to download. The PDF is kept in the database, not in a file anyone could reach.
    While one is being prepared, asking again for the same meeting gets that one, not a second.
    """

    meeting = models.ForeignKey(TaskingMeeting, on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=100, blank=True)
    # What the pack names, for the audit record of each download: {"lines": [...], "taskings": [...]}.
    contents = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=200, blank=True)  # what went wrong, in words; never content

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "requested_by"], condition=Q(status__in=PACK_IN_PROGRESS),
                                    name="one_pack_in_progress_per_meeting_and_person"),
        ]

    def __str__(self) -> str:
        return f"Pack {self.pk} for meeting {self.meeting_id} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in PACK_IN_PROGRESS
