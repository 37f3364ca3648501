from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone


def step_up_required(view):
    """Bulk export, erasure and MFA changes need a second factor proven in the last 5 minutes (SES-02)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        verified_at = request.session.get("verified_at")
        fresh = verified_at and timezone.now() - datetime.fromisoformat(verified_at) <= settings.STEP_UP_MAX_AGE
        if not fresh:
            query = urlencode({"step_up": 1, "next": request.get_full_path()})
            return redirect(f"{reverse('accounts:mfa_challenge')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
