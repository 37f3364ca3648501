"""The service navigation a user sees depends on what they may do."""

from django.urls import NoReverseMatch, reverse

# (label, url name, permission or None for any verified user, what it is for). Later apps add theirs here.
ITEMS = [
    ("Home", "core:home", None, ""),
    ("Returns", "returns:list", "crossline.view_returns", "The national returns your force has submitted, and what they hold."),
    ("Submit a return", "returns:submit", "crossline.submit_return", "Upload this month's national return."),
    ("Compliance", "compliance:force", "crossline.view_compliance", "Which returns are on time, late or missing, and how complete they are."),
    ("League table", "compliance:league", "crossline.view_national_compliance", "Every force's return compliance side by side, to sort and download."),
    ("Placement notifications", "placements:list", "crossline.acknowledge_placement", "Children placed in your area by councils elsewhere: acknowledge them, record missing episodes, see match alerts."),
    ("Placement notifications", "placements:list", "crossline.create_placement", "Tell the police when you place a child at risk of exploitation in another area, and follow what they do."),
    ("Placement figures", "placements:figures", "crossline.view_aggregates", "How quickly each force acknowledges placement notifications, and how many councils make."),
    ("Crossover", "linkage:home", "crossline.view_returns", "Lines, people and places that more than one force reports, force by force."),
    ("Review matches", "linkage:queue", "crossline.review_matches", "Decide whether records that may be the same person, place or line are."),
    ("Users", "organisations:users", "crossline.manage_users", "Invite people, change their roles, suspend accounts, manage API clients."),
    ("Audit", "audit:search", "crossline.search_audit", "Search who viewed, exported or changed personal data, and why."),
    ("Geography", "reference:areas", None, "Police forces, regions, councils, and which force covers a postcode."),
]


def navigation_for(request):
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return []
    items = []
    for label, name, permission, description in ITEMS:
        if permission and not user.has_perm(permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the app that serves it is not installed yet
        items.append({"label": label, "url": url, "description": description, "active": False})
    # The page belongs to the item whose address is the longest prefix of it ("/returns/submit"
    # is "Submit a return", not also "Returns").
    matching = [item for item in items if request.path == item["url"]
                or (item["url"] != "/" and request.path.startswith(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return items
