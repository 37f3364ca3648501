"""Every view declares what it needs. Nothing is reachable by default.

`requires("perm", ...)` wraps a view so that a signed-in, MFA-verified user without every named
permission gets 403, and records the declaration on the view so that the URL-walk test can prove
no view was left undeclared. `requires()` with no permission means "any verified user".
`public` marks the few pages a signed-out person must reach (sign-in itself).
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

PUBLIC = "public"


def requires(*permissions: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if permissions and not request.user.has_perms(permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.crossline_permissions = permissions or ("signed_in",)
        return wrapped

    return decorator


def public(view):
    view = login_not_required(view)
    view.crossline_permissions = (PUBLIC,)
    return view
