"""Threat assessment: a harm-first priority score for every resolved line and network of lines.

The national centre keeps the scoring model: weights and band thresholds, one `ScoringModel` row
per version, never edited once used. Each run of the scoring (`Assessment`) records the version
it used and writes one `LineAssessment` per line entity (and one `NetworkAssessment` per network
of lines that share a person, place or vehicle), with the contributions that made the score in
the users' words. Rows are never updated afterwards except to mark which is a line's latest, so a
line's history is its assessments in order.
"""

from django.db import models
from django.db.models import Q

from crossline.returns.models import REF_MAX


class Band(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    LOCAL = "local", "Local"


BAND_ORDER = {Band.LOCAL: 0, Band.REGIONAL: 1, Band.NATIONAL: 2}


class ScoringModel(models.Model):
    """One version of the weights and band thresholds. The active one scores the next run."""

    version = models.PositiveIntegerField(unique=True)
    weights = models.JSONField()  # scoring.Weights as a dict
    national_threshold = models.FloatField()
    regional_threshold = models.FloatField()
    reason = models.TextField()  # why the national centre changed it, in their words
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                    name="one_active_scoring_model"),
            models.CheckConstraint(condition=Q(national_threshold__gt=models.F("regional_threshold")),
                                   name="national_threshold_above_regional"),
        ]

    def __str__(self) -> str:
        return f"Scoring model v{self.version}"


class AssessmentTrigger(models.TextChoices):
    COMMAND = "command", "Re-scored from the command line"
    RESOLUTION = "resolution", "After a resolution run"
    MODEL_CHANGE = "model_change", "After the scoring model changed"
    DEMO = "demo", "Demonstration"


class AssessmentStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class Assessment(models.Model):
    """One run of the scoring over every active line entity."""

    scoring_model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="assessments")
    trigger = models.CharField(max_length=16, choices=AssessmentTrigger.choices)
    link_run = models.ForeignKey("linkage.LinkRun", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    started_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.RUNNING)
    line_count = models.PositiveIntegerField(default=0)
    network_count = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Assessment {self.pk} ({self.status})"


class Scored(models.Model):
    """What a line and a network share: the score, its parts and the words that explain it."""

    score = models.FloatField()
    band = models.CharField(max_length=10, choices=Band.choices)
    harm = models.FloatField()
    likelihood = models.FloatField()
    confidence = models.FloatField()
    corroboration = models.FloatField()
    position = models.FloatField()
    # [{"group", "factor", "words", "points"}]: what made the score, in the users' words.
    contributions = models.JSONField(default=list)
    facts = models.JSONField(default=dict)  # scoring.LineFacts as counts: never names or numbers

    class Meta:
        abstract = True


class NetworkAssessment(Scored):
    """Lines that share a person, place or vehicle, scored as one."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="networks")
    line_entity_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"Network of {len(self.line_entity_ids)} lines ({self.band})"


class LineAssessment(Scored):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lines")
    entity = models.ForeignKey("linkage.Entity", on_delete=models.CASCADE, related_name="assessments")
    network = models.ForeignKey(NetworkAssessment, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="lines")
    assessed_at = models.DateTimeField()  # the run's start, kept here to read history without a join
    # The forces whose records describe the line, and every force it touches (those, its
    # exporting force and the forces it supplies): a force's view lists lines touching it.
    reported_by = models.JSONField(default=list)
    touches = models.ManyToManyField("reference.PoliceForce", related_name="+")
    previous_score = models.FloatField(null=True, blank=True)
    previous_band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    is_latest = models.BooleanField(default=True)

    class Meta:
        ordering = ["-score", "entity_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "entity"], name="one_assessment_per_line_per_run"),
            models.UniqueConstraint(fields=["entity"], condition=Q(is_latest=True), name="one_latest_per_line"),
        ]
        indexes = [
            models.Index(fields=["is_latest", "-score"], name="line_assessment_latest"),
            models.Index(fields=["entity", "-assessed_at"], name="line_assessment_history"),
        ]

    def __str__(self) -> str:
        return f"Line {self.entity_id}: {self.score} ({self.band})"

    @property
    def band_rose(self) -> bool:
        return bool(self.previous_band) and BAND_ORDER[self.band] > BAND_ORDER[self.previous_band]


class AssessedIdentity(models.Model):
    """A force reference (force, line_ref) that a scored line was made of.

    A line's history follows its references, not only its entity number: when resolution gives a
    line a new entity (a merge, a split, a return replaced by a new version), its earlier scores
    are still found through the references it keeps.
    """

    line_assessment = models.ForeignKey(LineAssessment, on_delete=models.CASCADE, related_name="identities")
    force_code = models.CharField(max_length=9)
    ref = models.CharField(max_length=REF_MAX)

    class Meta:
        indexes = [models.Index(fields=["force_code", "ref"], name="assessed_identity")]

    def __str__(self) -> str:
        return f"{self.force_code}:{self.ref}"
