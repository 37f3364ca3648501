"""Crossover: the same deal line, person, place or vehicle recognised across forces' returns.

An `Entity` is one real line, person, place or vehicle. Its `EntityMember`s are the stored
records (of current returns) that describe it, each with its force and how it was linked, so
provenance is never lost. The records of one force reference (an *identity*: a force keeps its
reference from month to month) always belong to one entity; `EntityLink`s are the links
between identities that built the entity (a spanning tree), so that undoing one link splits the
entity in two and keeps all the others.

Resolution runs (`LinkRun`) use a stored, versioned Splink model (`LinkageModel`). Pairs scored
between the review and auto-link thresholds wait for an analyst (`CandidatePair`); analysts'
decisions (`MatchDecision`) are kept against identities, so they outlive any run: a rejected
pair never merges again, a confirmed one always links. Values on the `ExcludedValue` list are
never used to link. Records of other forces are shown only through need to know: a user who
may not read them is told that a match exists and who holds it, and can ask (`AccessRequest`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from crossline.audit.models import PurposeCode
from crossline.returns.models import REF_MAX


class EntityKind(models.TextChoices):
    LINE = "line", "Deal line"
    PERSON = "person", "Person"
    LOCATION = "location", "Location"
    VEHICLE = "vehicle", "Vehicle"


class LinkHow(models.TextChoices):
    OWN_REF = "own_ref", "The same force reference"
    IDENTIFIER = "identifier", "A shared identifier"
    PROBABILISTIC = "probabilistic", "Probabilistic match"
    ANALYST = "analyst", "Confirmed by an analyst"
    ALONE = "alone", "First record of the entity"


class LinkageModel(models.Model):
    """One version of a trained Splink model for one kind (people, locations)."""

    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    version = models.PositiveIntegerField()
    settings = models.JSONField()  # Splink's model JSON: settings and trained m and u
    sha256 = models.CharField(max_length=64)
    trained_on = models.TextField()  # what the model was trained on, in words
    confirmed_labels = models.PositiveIntegerField(default=0)
    rejected_labels = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_linkage_model_per_version"),
            models.UniqueConstraint(fields=["kind"], condition=Q(is_active=True), name="one_active_linkage_model"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} model v{self.version}"


class RunMode(models.TextChoices):
    FULL = "full", "Full resolution"
    RETURN = "return", "New return"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class LinkRun(models.Model):
    mode = models.CharField(max_length=8, choices=RunMode.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    engine = models.CharField(max_length=8, default="duckdb")
    national_return = models.ForeignKey("returns.NationalReturn", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    started_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    models_used = models.ManyToManyField(LinkageModel, blank=True, related_name="runs")
    thresholds = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)  # per kind: records, identities, entities, links, queued...
    conflicts = models.JSONField(default=list)  # decisions the evidence or other decisions contradict
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.get_mode_display()}, {self.status})"


class Entity(models.Model):
    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    is_active = models.BooleanField(default=True)  # False once merged into another or left empty
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Which run made and last changed it, for the record: never searched by, so not indexed
    # (a first run writes an entity per record or so, and every index costs each write; runs
    # are never deleted, so SET_NULL never has to find these rows).
    created_run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    updated_run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Kept up to date by every run, for lists and the crossover matrix without counting members.
    force_codes = models.JSONField(default=list)
    member_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["kind", "is_active"], name="entity_by_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class EntityMember(models.Model):
    """One stored record (of a current return) and the entity it describes."""

    # No index of its own: member_by_entity (entity, force) starts with it. A run writes a row
    # here per record, and every index costs each of those writes.
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="members", db_index=False)
    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    record_id = models.BigIntegerField()  # the Line, Person, Location or Vehicle row
    national_return = models.ForeignKey("returns.NationalReturn", on_delete=models.CASCADE, related_name="+")
    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=REF_MAX)
    how = models.CharField(max_length=16, choices=LinkHow.choices)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            db_index=False)  # for the record, never searched by (see Entity.created_run)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "record_id"], name="one_entity_per_record")]
        indexes = [
            models.Index(fields=["entity", "force"], name="member_by_entity"),
            models.Index(fields=["kind", "force", "ref"], name="member_by_identity"),
        ]  # by return: the national_return foreign key's own index

    def __str__(self) -> str:
        return f"{self.force_id} {self.ref} in {self.entity_id}"


class EntityLink(models.Model):
    """A link between two identities (force references) that holds an entity together."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    # Links are found through their entity (its index); the other keys are for the record and
    # are never searched by, so carry no index of their own: forces and entities are retired,
    # never deleted, and runs are kept.
    left_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    left_ref = models.CharField(max_length=REF_MAX)
    right_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    right_ref = models.CharField(max_length=REF_MAX)
    how = models.CharField(max_length=16, choices=LinkHow.choices)
    evidence = models.JSONField(default=dict)  # what it rests on (field names, scores): never values
    # The entities the two sides belonged to before this link joined them, so undoing it can
    # give each side its old entity back.
    left_entity_before = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                           db_index=False)
    right_entity_before = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="+", db_index=False)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            db_index=False)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.left_force_id}:{self.left_ref} - {self.right_force_id}:{self.right_ref}"


class PairStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    CONFIRMED = "confirmed", "Confirmed: the same"
    REJECTED = "rejected", "Rejected: not the same"
    UNSURE = "unsure", "Unsure"
    CLOSED = "closed", "No longer needed"  # linked anyway by other evidence, or a record went


class CandidatePair(models.Model):
    """Two identities scored between the review and auto-link thresholds: an analyst decides."""

    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    left_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    left_ref = models.CharField(max_length=REF_MAX)
    right_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    right_ref = models.CharField(max_length=REF_MAX)
    left_entity = models.ForeignKey(Entity, null=True, on_delete=models.SET_NULL, related_name="+")
    right_entity = models.ForeignKey(Entity, null=True, on_delete=models.SET_NULL, related_name="+")
    match_probability = models.FloatField(null=True, blank=True)
    match_weight = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list)  # per field: level reached and its match weight
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    run = models.ForeignKey(LinkRun, null=True, on_delete=models.SET_NULL, related_name="candidate_pairs")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "left_force", "left_ref", "right_force", "right_ref"],
                                    name="one_candidate_per_pair"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="pair_by_status")]

    def __str__(self) -> str:
        return f"{self.left_force_id}:{self.left_ref} ? {self.right_force_id}:{self.right_ref}"


class Decision(models.TextChoices):
    CONFIRM = "confirm", "The same"
    REJECT = "reject", "Not the same"
    UNSURE = "unsure", "Unsure"


class MatchDecision(models.Model):
    """An analyst's decision on whether two identities are one: the latest per pair counts."""

    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    left_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    left_ref = models.CharField(max_length=REF_MAX)
    right_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    right_ref = models.CharField(max_length=REF_MAX)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    note = models.TextField(blank=True)
    pair = models.ForeignKey(CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    undoes_link = models.BooleanField(default=False)  # recorded by undoing a link, not reviewing a pair
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "left_force", "left_ref", "right_force", "right_ref"],
                                    condition=Q(is_current=True), name="one_current_decision_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.left_force_id}:{self.left_ref} / {self.right_force_id}:{self.right_ref}"


class ExcludedField(models.TextChoices):
    PHONE = "phone", "Phone number"
    ADDRESS = "address", "Address"
    POSTCODE = "postcode", "Postcode"
    VRM = "vrm", "Vehicle registration"


class ExclusionCategory(models.TextChoices):
    CUSTODY = "custody", "Custody suite or police station"
    HOSPITAL = "hospital", "Hospital"
    HOSTEL = "hostel", "Hostel or shelter"
    HELPLINE = "helpline", "Helpline (101, 999, Childline)"
    SWITCHBOARD = "switchboard", "Force or council switchboard"
    OTHER = "other", "Other shared value"


class ExcludedValue(models.Model):
    """A value never used to link: shared by many people who are nothing to each other."""

    field = models.CharField(max_length=10, choices=ExcludedField.choices)
    value = models.CharField(max_length=300)  # as compared: E.164, address key, canonical postcode, VRM
    given = models.CharField(max_length=300)  # as the analyst typed it
    category = models.CharField(max_length=12, choices=ExclusionCategory.choices)
    description = models.CharField(max_length=200)
    added_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["field", "value"]
        constraints = [models.UniqueConstraint(fields=["field", "value"], name="one_exclusion_per_value")]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.description}"


class CommonValue(models.Model):
    """A value the last full run found held by too many distinct people to be evidence
    (probabilistic.too_common); runs for single returns skip it too."""

    kind = models.CharField(max_length=16, choices=EntityKind.choices)
    field = models.CharField(max_length=10, choices=ExcludedField.choices)
    value = models.CharField(max_length=300)
    limit = models.PositiveIntegerField()  # the most distinct people a value could have had
    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["kind", "field"], name="common_value_by_field")]

    def __str__(self) -> str:
        return f"{self.field} held too widely"


class AccessStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the holding force"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class AccessRequest(models.Model):
    """A user asks the force holding a matched record for sight of it."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="access_requests")
    holding_force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requesting_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                                related_name="+")
    purpose_code = models.CharField(max_length=64, choices=PurposeCode.choices)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=AccessStatus.choices, default=AccessStatus.PENDING)
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # An approval shows the records for a while, not for ever: need to know is for a purpose, and
    # a purpose ends. After this the user is told only that a match exists, and may ask again.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "holding_force", "requested_by"],
                                    condition=Q(status="pending"), name="one_pending_access_request"),
        ]

    def __str__(self) -> str:
        return f"Access request {self.pk} ({self.status})"

    @property
    def has_expired(self) -> bool:
        return self.status == AccessStatus.APPROVED and self.expires_at is not None \
            and self.expires_at <= timezone.now()


class ForceFeedback(models.Model):
    """What a run found for one force: its records others also hold, and what changed."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="feedback")
    force = models.ForeignKey("reference.PoliceForce", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    figures = models.JSONField(default=dict)  # headline counts
    items = models.JSONField(default=dict)  # section -> entity ids (never content)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["force", "-created_at"], name="feedback_by_force")]

    def __str__(self) -> str:
        return f"Feedback for {self.force_id} from run {self.run_id}"
