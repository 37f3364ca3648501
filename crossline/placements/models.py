"""Placement notifications: a council tells the police where it has placed a child at risk.

A `PlacementNotification` is made once, by the placing council, and routed: to the police force
covering the placement (the host force), or, when nobody can say which force that is, to the
national triage desk. Either way it is in exactly one of those places at a time: the database
refuses a second current host-force or triage `InboxItem` for a notification.

Sending is an outbox: every `Delivery` is written in the same transaction as the change that
causes it, and a worker delivers it in the service (an `InboxItem`) or by e-mail, retrying until
it is recorded as delivered. An inbox item is keyed on the delivery's UUID, so a delivery sent
twice (the worker died after sending and before recording) still gives one item.
"""

import uuid

from django.db import models
from django.db.models import Q


class LegalStatus(models.TextChoices):
    SECTION_20 = "s20", "Accommodated under section 20 of the Children Act 1989"
    SECTION_31 = "s31", "Care order under section 31 of the Children Act 1989"
    OTHER = "other", "Other"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Risk(models.TextChoices):
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Criminal exploitation"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    COUNTY_LINES = "county_lines", "County lines"
    MISSING_HISTORY = "missing_history", "A history of going missing"


class PlacementType(models.TextChoices):
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SEMI_INDEPENDENT = "semi_independent", "Semi-independent or supported accommodation"
    FOSTER = "foster", "Foster care"
    SECURE = "secure", "Secure children's home"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    IN_TRIAGE = "in_triage", "With the national triage desk"
    AWAITING_ACKNOWLEDGEMENT = "awaiting_acknowledgement", "Waiting for acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ENDED = "ended", "Placement ended"
    MOVED = "moved", "Child moved"


OPEN_STATUSES = (Status.IN_TRIAGE, Status.AWAITING_ACKNOWLEDGEMENT, Status.ACKNOWLEDGED)


class Purpose(models.TextChoices):
    """Why an organisation is sent a notification; this decides what it may see of it."""

    HOST_FORCE = "host_force", "Placement in your force area"
    TRIAGE = "triage", "Host force not known: triage"
    HOME_FORCE = "home_force", "Child from your force area placed elsewhere"
    HOST_COUNCIL = "host_council", "Child placed in your council's area"
    SUPERVISORS = "supervisors", "Not acknowledged in time: supervisors"
    DUTY_DESK = "duty_desk", "Not acknowledged in time: national duty desk"
    CROSSMATCH = "crossmatch", "Match alert"
    PLACEMENT_ENDED = "placement_ended", "Placement ended"
    REPEAT_MISSING = "repeat_missing", "Repeated missing episodes"


# Why each organisation was sent it, as a third party reads it (the labels above speak to the recipient).
WHY_SENT = {
    Purpose.HOST_FORCE: "Police force for the placement",
    Purpose.TRIAGE: "National triage desk: police force not known",
    Purpose.HOME_FORCE: "Police force for the placing council",
    Purpose.HOST_COUNCIL: "Council for the placement",
    Purpose.SUPERVISORS: "Supervisors: not acknowledged in time",
    Purpose.DUTY_DESK: "National duty desk: not acknowledged in time",
    Purpose.CROSSMATCH: "Match alert: holds records that may be the child",
    Purpose.PLACEMENT_ENDED: "Told the placement ended",
    Purpose.REPEAT_MISSING: "Told of repeated missing episodes",
}

# The purposes that hold a notification for acknowledgement: exactly one current item at a time.
HOST_PURPOSES = (Purpose.HOST_FORCE, Purpose.TRIAGE)
# The purposes that let the recipient read the notification itself. A match alert does not.
READING_PURPOSES = (
    Purpose.HOST_FORCE, Purpose.TRIAGE, Purpose.HOME_FORCE, Purpose.HOST_COUNCIL, Purpose.SUPERVISORS,
    Purpose.DUTY_DESK, Purpose.PLACEMENT_ENDED, Purpose.REPEAT_MISSING,
)


class PlacementNotification(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=16, unique=True)  # "PN-7K3Q-9XWD": said on the phone
    placing_council = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                        related_name="placements_made")
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    machine_client = models.ForeignKey("accounts.MachineClient", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    created_at = models.DateTimeField()
    # The API's Idempotency-Key: a retry with the same key and body gets this notification back.
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    moved_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="moved_to")

    # The child
    child_forenames = models.CharField(max_length=100)
    child_surname = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=16, choices=Gender.choices)
    council_child_ref = models.CharField(max_length=50)
    nhs_number = models.CharField(max_length=10, blank=True)
    legal_status = models.CharField(max_length=8, choices=LegalStatus.choices)
    legal_status_other = models.CharField(max_length=200, blank=True)
    # Risks
    risks = models.JSONField(default=list)  # Risk values
    known_associates = models.TextField(blank=True)
    risk_summary = models.TextField()
    # The placement
    placement_type = models.CharField(max_length=20, choices=PlacementType.choices)
    placement_type_other = models.CharField(max_length=200, blank=True)
    provider_name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=8)  # canonical
    start_date = models.DateField()
    planned_end_date = models.DateField(null=True, blank=True)
    # Who to call
    social_worker_name = models.CharField(max_length=200)
    social_worker_phone = models.CharField(max_length=40)
    social_worker_email = models.EmailField(max_length=254)
    out_of_hours_contact = models.CharField(max_length=200)
    out_of_hours_phone = models.CharField(max_length=40)
    # Philomena Protocol part 1: what police need if the child goes missing
    profile_description = models.TextField()
    profile_vulnerabilities = models.TextField(blank=True)
    profile_associates = models.TextField(blank=True)
    profile_places = models.TextField(blank=True)
    profile_phones_social_media = models.TextField(blank=True)
    profile_missing_history = models.TextField(blank=True)

    # Routing, as decided when it was made (or later by the triage desk)
    postcode_district = models.CharField(max_length=4, blank=True)
    location_confidence = models.CharField(max_length=12)  # reference.lookups.Confidence
    host_force_confirmed_by_placer = models.BooleanField(default=False)
    host_force = models.ForeignKey("reference.PoliceForce", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    host_local_authority = models.ForeignKey("reference.LocalAuthority", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    home_force = models.ForeignKey("reference.PoliceForce", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # The force that must acknowledge; None while the notification is with the triage desk.
    host_force_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="placements_hosted")
    status = models.CharField(max_length=32, choices=Status.choices)
    routed_at = models.DateTimeField(null=True, blank=True)  # handed to the host force: the clock starts
    supervisors_alerted_at = models.DateTimeField(null=True, blank=True)
    duty_desk_alerted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["placing_council", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="one_placement_per_idempotency_key"),
            # With the triage desk exactly when no host force holds it (an ended one may be either).
            models.CheckConstraint(
                condition=Q(status="in_triage", host_force_organisation__isnull=True)
                | Q(status__in=["awaiting_acknowledgement", "acknowledged"], host_force_organisation__isnull=False)
                | Q(status__in=["ended", "moved"]),
                name="placement_held_by_host_force_or_triage"),
        ]
        indexes = [
            models.Index(fields=["status", "routed_at"], name="placement_by_status"),
            models.Index(fields=["placing_council", "council_child_ref"], name="placement_by_child_ref"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_name(self) -> str:
        return f"{self.child_forenames} {self.child_surname}"

    @property
    def in_triage(self) -> bool:
        return self.status == Status.IN_TRIAGE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def risk_labels(self) -> list[str]:
        return [Risk(risk).label for risk in self.risks if risk in Risk.values]


class PlacementDraft(models.Model):
    """Answers to the question pages, kept as the person typed them until they send the notification."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    council = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    answers = models.JSONField(default=dict)  # {section slug: {field name: submitted text}}
    moved_from = models.ForeignKey(PlacementNotification, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft {self.uuid}"

    @property
    def child_name(self) -> str:
        child = self.answers.get("child", {})
        return " ".join((child.get(name) or [""])[0].strip() for name in ("child_forenames", "child_surname")).strip()


class DeliveryChannel(models.TextChoices):
    IN_SERVICE = "in_service", "Crossline inbox"
    EMAIL = "email", "E-mail"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"  # gave up after the last retry
    CANCELLED = "cancelled", "Not needed"  # superseded before it was sent


class Delivery(models.Model):
    """One message to send: the outbox, written in the same transaction as its notification."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notification = models.ForeignKey(PlacementNotification, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    channel = models.CharField(max_length=12, choices=DeliveryChannel.choices)
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    # When the worker may next take it: a retry's back-off, and also the lease of a worker that
    # has taken it, so that one that dies mid-send leaves it to be taken again.
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)  # routed elsewhere since
    people_emailed = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)  # what failed, never personal data

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.channel} to {self.recipient_id} ({self.status})"


class InboxItem(models.Model):
    """What an organisation has been sent, as it sees it in its Crossline inbox."""

    recipient = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                  related_name="placement_inbox")
    notification = models.ForeignKey(PlacementNotification, on_delete=models.PROTECT, related_name="inbox_items")
    delivery_uuid = models.UUIDField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    received_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)  # the notification went elsewhere

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # Insert-if-absent on this key is the inbox's de-duplication.
            models.UniqueConstraint(fields=["recipient", "notification", "delivery_uuid"],
                                    name="one_inbox_item_per_delivery"),
            models.UniqueConstraint(fields=["notification"],
                                    condition=Q(purpose__in=["host_force", "triage"], superseded_at__isnull=True),
                                    name="one_current_host_inbox_item"),
        ]
        indexes = [models.Index(fields=["recipient", "purpose", "-received_at"], name="inbox_by_recipient")]

    def __str__(self) -> str:
        return f"{self.purpose} for {self.recipient_id}: {self.notification_id}"


class Acknowledgement(models.Model):
    notification = models.OneToOneField(PlacementNotification, on_delete=models.PROTECT,
                                        related_name="acknowledgement")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField()
    local_intelligence_checked = models.BooleanField()
    risk_management_plan = models.TextField()
    named_officer = models.CharField(max_length=200)
    named_officer_contact = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"acknowledgement of {self.notification_id}"


class MissingEpisode(models.Model):
    notification = models.ForeignKey(PlacementNotification, on_delete=models.PROTECT,
                                     related_name="missing_episodes")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    went_missing_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    police_reference = models.CharField(max_length=50)
    circumstances = models.TextField(blank=True)

    class Meta:
        ordering = ["-went_missing_at"]

    def __str__(self) -> str:
        return f"missing episode {self.police_reference}"


class MatchStrength(models.TextChoices):
    EXACT = "exact", "Same name and date of birth"
    PROBABLE = "probable", "Similar name, same or transposed date of birth"


class CrossmatchHit(models.Model):
    """A record in a force's current national return that may be the placed child."""

    notification = models.ForeignKey(PlacementNotification, on_delete=models.PROTECT, related_name="matches")
    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("returns.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    record_ref = models.CharField(max_length=100)  # the force's own person_ref
    strength = models.CharField(max_length=10, choices=MatchStrength.choices)
    matched_at = models.DateTimeField()

    class Meta:
        ordering = ["force_id", "record_ref"]

    def __str__(self) -> str:
        return f"{self.force_id} {self.record_ref} ({self.strength})"


class TimelineEntry(models.Model):
    """What happened to a notification, in words its readers use. No personal data about the
    child: the timeline is shown to everyone who may read the notification."""

    notification = models.ForeignKey(PlacementNotification, on_delete=models.PROTECT, related_name="timeline")
    occurred_at = models.DateTimeField()
    organisation_name = models.CharField(max_length=200, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    detail = models.CharField(max_length=500, blank=True)
    # Match alerts say which forces hold intelligence on the child: police eyes only.
    police_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return self.title
