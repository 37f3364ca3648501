"""People and machines that sign in to Crossline, and what they hold to do so."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from crossline.accounts.roles import Role, permissions_for


class User(AbstractUser):
    """A person. Signs in with their e-mail address as username; belongs to one organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    @cached_property
    def crossline_permissions(self) -> frozenset[str]:
        if not self.is_active or self.organisation_id is None or not self.organisation.is_active:
            return frozenset()
        return permissions_for(roles=self.roles, kind=self.organisation.kind)

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles)]


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role}"


class BackupCode(models.Model):
    """A one-time MFA backup code, stored only as a password hash (django-otp's static tokens
    are kept in clear text, which a leaked database would hand to an attacker)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"backup code of user {self.user_id}"


class UserSession(models.Model):
    """Which sessions a user holds, so that suspending them can end every one at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    client_ip = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"


class Invitation(models.Model):
    """An organisation admin's invitation: the invitee sets a password and enrols MFA with it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invitation")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation of user {self.user_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class MachineClientScope(models.TextChoices):
    RETURNS_SUBMIT = "returns:submit", "Submit returns"
    RETURNS_READ = "returns:read", "Read the organisation's returns"
    PLACEMENTS_WRITE = "placements:write", "Send placement notifications"
    PLACEMENTS_READ = "placements:read", "Read placement notifications"
    TASKING_RESPOND = "tasking:respond", "Read and answer the organisation's taskings; nominate local priorities"
    TASKING_COORDINATE = "tasking:coordinate", "Decide nominations of local priorities (co-ordinators)"
    INTENSIFICATION_SUBMIT = "intensification:submit", "Send the force's intensification-week results"


SCOPE_PERMISSIONS = {
    MachineClientScope.RETURNS_SUBMIT: {"crossline.submit_return"},
    MachineClientScope.RETURNS_READ: {"crossline.view_returns"},
    MachineClientScope.PLACEMENTS_WRITE: {"crossline.create_placement"},
    MachineClientScope.PLACEMENTS_READ: {"crossline.acknowledge_placement"},
    MachineClientScope.TASKING_RESPOND: {"crossline.respond_to_tasking"},
    MachineClientScope.TASKING_COORDINATE: {"crossline.coordinate_tasking"},
    MachineClientScope.INTENSIFICATION_SUBMIT: {"crossline.submit_intensification_results"},
}


class MachineClient(models.Model):
    """A system (a force's records system, a council's case system) calling the API.

    The bearer token is shown once at creation; only its SHA-256 is kept. A client acts for its
    organisation only, within its scopes, and never beyond what the organisation's kind allows.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="machine_clients")
    name = models.CharField(max_length=200)
    scopes = models.JSONField(default=list)
    token_prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    is_authenticated = True
    is_anonymous = False

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @staticmethod
    def new_token() -> str:
        return "cl_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.organisation.is_active

    @cached_property
    def crossline_permissions(self) -> frozenset[str]:
        from crossline.accounts.roles import KIND_PERMISSIONS

        wanted: set[str] = set()
        for scope in self.scopes:
            wanted |= SCOPE_PERMISSIONS.get(scope, set())
        return frozenset(wanted & KIND_PERMISSIONS.get(self.organisation.kind, frozenset()))

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_active and perm in self.crossline_permissions

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(p) for p in perms)
