"""The service navigation a user sees depends on what they may do."""

from django.urls import NoReverseMatch, reverse

# (label, url name, permission or None for any verified user). Later apps add their entries here.
ITEMS = [
    ("Home", "core:home", None),
    ("Returns", "returns:list", "crossline.view_returns"),
    ("Submit a return", "returns:submit", "crossline.submit_return"),
    ("Compliance", "returns:compliance", "crossline.view_compliance"),
    ("Users", "organisations:users", "crossline.manage_users"),
    ("Audit", "audit:search", "crossline.search_audit"),
    ("Geography", "reference:areas", None),
]


def navigation_for(request):
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return []
    items = []
    for label, name, permission in ITEMS:
        if permission and not user.has_perm(permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the app that serves it is not installed yet
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"
                      or request.path == url})
    return items
