"""Views that show personal data ask for the user's purpose first (DPA s.62: the justification)."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from crossline.audit.selectors import purpose_for

__all__ = ["personal_data_view", "purpose_for"]


def personal_data_view(view):
    """Send a user who has not yet stated a purpose in this session to do so, then back here.

    Use inside the permission check, so that someone who may not see the page is refused rather
    than asked why they want to:

        @requires("crossline.view_personal_data")
        @personal_data_view
        def person(request, pk): ...
    """

    @wraps(view)  # also carries `crossline_permissions` over if this is applied outermost
    def wrapped(request, *args, **kwargs):
        if purpose_for(request) == (None, None):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('audit:state_purpose')}?{query}")
        return view(request, *args, **kwargs)

    wrapped.crossline_personal_data = True
    return wrapped
