"""The audit trail: who did what to which record, when, from where and why (DPA 2018 s.62).

Append-only and tamper-evident: each record carries the SHA-256 of its own content and of the
record before it, so editing, removing or reordering records breaks the chain (`crossline audit
verify`), and database triggers refuse UPDATE, DELETE and TRUNCATE outright. Actors and
organisations are snapshots, not foreign keys, so removing a user never touches the trail.
"""

import hashlib
import json
from datetime import UTC

from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", "View"
    SEARCH = "search", "Search"
    EXPORT = "export", "Export"
    DISCLOSE = "disclose", "Disclose"
    CREATE = "create", "Create"
    CHANGE = "change", "Change"
    DELETE = "delete", "Delete"
    ERASE = "erase", "Erase"
    LINK = "link", "Link records"
    ACCESS_DENIED = "access_denied", "Access denied"
    SIGN_IN = "sign_in", "Sign in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Sign out"
    MFA = "mfa", "Multi-factor authentication"
    STATE_PURPOSE = "state_purpose", "State purpose"
    AUDIT_SEARCH = "audit_search", "Audit search"


class ActorKind(models.TextChoices):
    USER = "user", "User"
    MACHINE_CLIENT = "machine_client", "Machine client"
    SYSTEM = "system", "System"
    # Someone not yet signed in, e.g. a failed sign-in: there is no account to name.
    ANONYMOUS = "anonymous", "Not signed in"


class PurposeCode(models.TextChoices):
    INTELLIGENCE_DEVELOPMENT = "intelligence_development", "Intelligence development"
    SAFEGUARDING = "safeguarding", "Safeguarding a child or vulnerable person"
    TASKING = "tasking", "Tasking"
    PLACEMENT_NOTIFICATION = "placement_notification", "Placement notification"
    DATA_QUALITY = "data_quality", "Data quality"
    AUDIT_AND_ASSURANCE = "audit_and_assurance", "Audit and assurance"
    OTHER = "other", "Other"


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)  # the chain order
    occurred_at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=254, blank=True)
    actor_machine_client_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    roles = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_refs = models.JSONField(default=list, blank=True)
    client_ip = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    purpose_code = models.CharField(max_length=64, blank=True)
    purpose_text = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="audit_occurred_at"),
            models.Index(fields=["organisation_id", "id"], name="audit_organisation"),
            models.Index(fields=["action", "id"], name="audit_action"),
        ]
        constraints = [
            # A second record claiming the same predecessor would fork the chain: the database
            # refuses it even if a caller's stale snapshot (REPEATABLE READ) slipped past the lock.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_one_successor"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} by {self.actor_username or self.actor_kind}"

    def computed_hash(self) -> str:
        return event_hash(self)

    @property
    def detail_json(self) -> str:
        return json.dumps(self.detail, indent=2, sort_keys=True, ensure_ascii=False)


# Every stored field except row_hash itself; prev_hash is included, which is what links the chain.
HASHED_FIELDS = (
    "id", "occurred_at", "actor_kind", "actor_id", "actor_username", "actor_machine_client_id",
    "organisation_id", "organisation_name", "roles", "action", "object_type", "object_refs",
    "client_ip", "request_id", "purpose_code", "purpose_text", "recipients", "detail", "prev_hash",
)


def canonical_timestamp(value) -> str:
    # Always UTC with microseconds: the database's own text form depends on the session time zone,
    # so a chain hashed from it would break when verified from elsewhere.
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(event: AuditEvent) -> bytes:
    payload = {name: getattr(event, name) for name in HASHED_FIELDS}
    payload["occurred_at"] = canonical_timestamp(event.occurred_at)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_form(event)).hexdigest()
