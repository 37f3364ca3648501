from django.core.exceptions import PermissionDenied

from crossline.accounts.roles import VIEW_AGGREGATES, VIEW_RETURNS
from crossline.audit.decorators import purpose_for
from crossline.audit.services import audit_record
from crossline.core.permissions import requires


def requires_any(*permissions: str):
    """Like `requires`, but one of the permissions is enough."""
    def decorator(view):
        inner = requires()(view)

        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm(permission) for permission in permissions):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        wrapped.__name__ = wrapped.__qualname__ = view.__name__
        wrapped.__doc__ = view.__doc__
        wrapped.crossline_permissions = tuple(f"any of {permission}" for permission in permissions)
        return wrapped

    return decorator


# Who may see crossover in figures: anyone who may see returns, or aggregate figures.
requires_crossover_figures = requires_any(VIEW_RETURNS, VIEW_AGGREGATES)


def audit(request, *, action: str, object_type: str, object_refs, detail: dict) -> None:
    code, text = purpose_for(request)
    audit_record(action=action, object_type=object_type, object_refs=object_refs, request=request,
                 purpose_code=code, purpose_text=text, detail=detail)
