"""Session limits and the MFA gate."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone

# Views a signed-in user may reach before completing MFA.
MFA_EXEMPT_VIEWS = frozenset(
    {"accounts:sign_in", "accounts:sign_out", "accounts:mfa_enrol", "accounts:mfa_challenge",
     "accounts:invitation_accept", "core:healthz"}
)


def _parse(value: str | None):
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class SessionTimeoutMiddleware:
    """Ends a session after 30 minutes idle or 8 hours in all (SES-01), whatever the cookie says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            started = _parse(request.session.get("auth_time"))
            last_seen = _parse(request.session.get("last_seen"))
            expired = (
                started is None
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or (last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT)
            )
            if expired:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse(settings.LOGIN_URL)}?expired=1")
            else:
                request.session["last_seen"] = now.isoformat()
        return self.get_response(request)


class MfaRequiredMiddleware:
    """A signed-in user who has not completed MFA reaches only the MFA pages (and sign-out).

    Users without a confirmed authenticator are sent to enrol; others to the challenge.
    The API uses machine-client tokens, not sessions, and is not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith(settings.STATIC_URL) or request.path.startswith("/api/"):
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in MFA_EXEMPT_VIEWS:
            return None
        has_device = user.totpdevice_set.filter(confirmed=True).exists()
        return redirect("accounts:mfa_challenge" if has_device else "accounts:mfa_enrol")
