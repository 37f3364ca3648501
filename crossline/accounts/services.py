"""Everything that can happen to a user account, a sign-in or a machine client. Each write is atomic
and audited in the same transaction."""

import secrets
from datetime import timedelta

import django_otp
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from crossline.accounts.models import (
    BackupCode,
    Invitation,
    MachineClient,
    MachineClientScope,
    RoleGrant,
    User,
    UserSession,
)
from crossline.accounts.roles import MANAGE_MACHINE_CLIENTS, MANAGE_USERS, roles_allowed_for
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.logging import security_log
from crossline.core.middleware import client_ip

BACKUP_CODE_COUNT = 10
INVITATION_LIFETIME = timedelta(days=7)
MACHINE_CLIENT_LIFETIME = timedelta(days=90)


def _user_ref(user) -> list[str]:
    return [str(user.pk)]


# --- Sign-in ------------------------------------------------------------------------------------

@transaction.atomic
def sign_in_record(*, request, user: User) -> None:
    """After a correct password: start the session clock and remember the session for suspension."""
    now = timezone.now().isoformat()
    request.session["auth_time"] = now
    request.session["last_seen"] = now
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "client_ip": client_ip(request)}
    )
    audit_record(action=AuditAction.SIGN_IN, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, actor=user, detail={"step": "password"})


@transaction.atomic
def sign_in_failed_record(*, request, username: str) -> None:
    """A refused sign-in: to the security log (structured, so a forged line break stays inside its
    string) and to the audit trail, without saying whether the account exists."""
    security_log.warning("sign-in refused", extra={"username": username[:150], "client_ip": client_ip(request),
                                                   "request_id": getattr(request, "request_id", "")})
    audit_record(action=AuditAction.SIGN_IN_FAILED, object_type="accounts.User", request=request, actor=None,
                 detail={"username": username[:150]})


@transaction.atomic
def sign_out_record(*, request) -> None:
    user = request.user
    if user.is_authenticated:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        audit_record(action=AuditAction.SIGN_OUT, object_type="accounts.User", object_refs=_user_ref(user),
                     request=request, actor=user)


@transaction.atomic
def mfa_verify(*, request, user: User, token: str) -> bool:
    """Check a TOTP code or a backup code; on success the session becomes verified under a new key."""
    token = token.strip().replace(" ", "")
    device = None
    for candidate in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, _ = candidate.verify_is_allowed()
        if allowed and candidate.verify_token(token):
            device = candidate
            break
    used_backup = False
    if device is None and backup_code_use(user=user, code=token):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        used_backup = device is not None
    if device is None:
        audit_record(action=AuditAction.MFA, object_type="accounts.User", object_refs=_user_ref(user),
                     request=request, actor=user, detail={"outcome": "failed"})
        return False
    _complete_mfa(request=request, user=user, device=device,
                  detail={"outcome": "verified", "method": "backup_code" if used_backup else "totp"})
    return True


def _complete_mfa(*, request, user, device, detail) -> None:
    old_key = request.session.session_key
    request.session.cycle_key()  # a new session id once the second factor is proven (SES-01)
    django_otp.login(request, device)
    request.session["verified_at"] = timezone.now().isoformat()
    request.session.save()
    UserSession.objects.filter(session_key=old_key).delete()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "client_ip": client_ip(request)}
    )
    audit_record(action=AuditAction.MFA, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, actor=user, detail=detail)


@transaction.atomic
def mfa_enrolment_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the user to add to their app."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def mfa_enrolment_confirm(*, request, user: User, token: str) -> list[str] | None:
    """Confirm the new authenticator with a code from it. Returns the new backup codes (shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user=user)
    _complete_mfa(request=request, user=user, device=device, detail={"outcome": "enrolled"})
    return codes


def _backup_codes_replace(*, user: User) -> list[str]:
    BackupCode.objects.filter(user=user).delete()
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create([BackupCode(user=user, code_hash=make_password(c)) for c in codes])
    return codes


@transaction.atomic
def backup_codes_regenerate(*, request, user: User) -> list[str]:
    codes = _backup_codes_replace(user=user)
    audit_record(action=AuditAction.MFA, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, actor=user, detail={"outcome": "backup_codes_regenerated"})
    return codes


def backup_code_use(*, user: User, code: str) -> bool:
    code = code.strip().lower()
    if len(code) != 14:
        return False
    for backup in BackupCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
        if check_password(code, backup.code_hash):
            backup.used_at = timezone.now()
            backup.save(update_fields=["used_at"])
            return True
    return False


# --- Organisation admins managing their own users ---------------------------------------------------

def _require_admin_of(*, by: User, organisation_id: int, permission: str = MANAGE_USERS) -> None:
    if not by.has_perm(permission) or by.organisation_id != organisation_id:
        raise PermissionDenied


def _check_roles(*, roles, organisation) -> list[str]:
    allowed = set(roles_allowed_for(organisation.kind))
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        raise ValidationError(f"These roles are not available to a {organisation.get_kind_display()}: "
                              + ", ".join(unknown))
    return sorted(set(roles))


@transaction.atomic
def user_invite(*, request, by: User, email: str, full_name: str, roles, job_title: str = "") -> User:
    """Create the invited user (unable to sign in until they accept) and queue the invitation e-mail."""
    from crossline.accounts.tasks import invitation_send

    organisation = by.organisation
    _require_admin_of(by=by, organisation_id=organisation.pk)
    roles = _check_roles(roles=roles, organisation=organisation)
    email = email.strip().lower()
    if User.objects.filter(username=email).exists():
        raise ValidationError("A user with this e-mail address already exists.")
    user = User.objects.create_user(username=email, email=email, password=None, full_name=full_name.strip(),
                                    job_title=job_title.strip(), organisation=organisation, invited_by=by)
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r, granted_by=by) for r in roles])
    audit_record(action=AuditAction.CREATE, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, detail={"roles": roles, "invited": True})
    # The task row is committed with the user (the database queue is our outbox): the e-mail goes
    # even if this process dies straight after. The token is made inside the task, so the queue never
    # holds a credential.
    invitation_send.enqueue(user_id=user.pk)
    return user


@transaction.atomic
def invitation_issue(*, user: User) -> str:
    token = secrets.token_urlsafe(32)
    Invitation.objects.update_or_create(
        user=user,
        defaults={"token_hash": Invitation.hash_token(token), "expires_at": timezone.now() + INVITATION_LIFETIME,
                  "accepted_at": None},
    )
    return token


@transaction.atomic
def invitation_accept(*, request, token: str, password: str) -> User:
    invitation = (Invitation.objects.select_for_update().select_related("user")
                  .filter(token_hash=Invitation.hash_token(token)).first())
    if invitation is None or invitation.accepted_at or invitation.expires_at < timezone.now():
        raise ValidationError("This invitation link is not valid. Ask your organisation admin for a new one.")
    user = invitation.user
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(action=AuditAction.CHANGE, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, actor=user, detail={"invitation": "accepted"})
    return user


def _end_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_suspend(*, request, by: User, user: User, reason: str) -> User:
    _require_admin_of(by=by, organisation_id=user.organisation_id)
    if user.pk == by.pk:
        raise ValidationError("You cannot suspend yourself. Ask another organisation admin.")
    user.is_active = False
    user.suspended_at = timezone.now()
    user.save(update_fields=["is_active", "suspended_at"])
    ended = _end_sessions(user)
    audit_record(action=AuditAction.CHANGE, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, detail={"suspended": True, "reason": reason[:500], "sessions_ended": ended})
    return user


@transaction.atomic
def user_reactivate(*, request, by: User, user: User) -> User:
    _require_admin_of(by=by, organisation_id=user.organisation_id)
    user.is_active = True
    user.suspended_at = None
    user.save(update_fields=["is_active", "suspended_at"])
    audit_record(action=AuditAction.CHANGE, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, detail={"suspended": False})
    return user


@transaction.atomic
def user_change_roles(*, request, by: User, user: User, roles) -> User:
    _require_admin_of(by=by, organisation_id=user.organisation_id)
    roles = _check_roles(roles=roles, organisation=user.organisation)
    before = sorted(user.roles)
    if user.pk == by.pk and "organisation_admin" not in roles:
        raise ValidationError("You cannot remove your own organisation admin role.")
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": by})
    user.__dict__.pop("roles", None)
    user.__dict__.pop("crossline_permissions", None)
    audit_record(action=AuditAction.CHANGE, object_type="accounts.User", object_refs=_user_ref(user),
                 request=request, detail={"roles_before": before, "roles_after": roles})
    return user


# --- Machine clients ---------------------------------------------------------------------------------

@transaction.atomic
def machine_client_create(*, request, by: User, name: str, scopes) -> tuple[MachineClient, str]:
    """Returns the client and its bearer token, which is shown once and never stored."""
    _require_admin_of(by=by, organisation_id=by.organisation_id, permission=MANAGE_MACHINE_CLIENTS)
    valid = {s.value for s in MachineClientScope}
    if not scopes or any(s not in valid for s in scopes):
        raise ValidationError("Choose at least one scope from the list.")
    token = MachineClient.new_token()
    client = MachineClient.objects.create(
        organisation=by.organisation, name=name.strip(), scopes=sorted(set(scopes)), token_prefix=token[:10],
        token_hash=MachineClient.hash_token(token), created_by=by,
        expires_at=timezone.now() + MACHINE_CLIENT_LIFETIME,
    )
    audit_record(action=AuditAction.CREATE, object_type="accounts.MachineClient", object_refs=[str(client.pk)],
                 request=request, detail={"scopes": client.scopes})
    return client, token


@transaction.atomic
def machine_client_revoke(*, request, by: User, client: MachineClient) -> MachineClient:
    _require_admin_of(by=by, organisation_id=client.organisation_id, permission=MANAGE_MACHINE_CLIENTS)
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit_record(action=AuditAction.CHANGE, object_type="accounts.MachineClient", object_refs=[str(client.pk)],
                 request=request, detail={"revoked": True})
    return client
