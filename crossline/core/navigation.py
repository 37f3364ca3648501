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
    ("Priority lines", "assessment:priorities", "crossline.coordinate_tasking", "National and regional priority lines, scored harm first, to filter, sort and download."),
    ("Lines in your area", "assessment:force", "crossline.view_returns", "The lines touching your force area, highest priority first, and why."),
    ("Review matches", "linkage:queue", "crossline.review_matches", "Decide whether records that may be the same person, place or line are."),
    ("Taskings", "tasking:list", ("crossline.coordinate_tasking", "crossline.respond_to_tasking"), "Lines and networks tasked to owners: accept, update and complete them, or set new ones."),
    ("Local priorities", "tasking:nominations", ("crossline.coordinate_tasking", "crossline.respond_to_tasking"), "Put a line forward as a local priority or for regional or national support, and see the decisions."),
    ("Tasking meetings", "tasking:meetings", "crossline.coordinate_tasking", "The pack for a regional or national tasking meeting, as a PDF and a spreadsheet."),
    ("Intensification weeks", "intensification:weeks", ("crossline.view_returns", "crossline.submit_return", "crossline.view_aggregates"), "Weeks of national action against county lines: send your force's results, see the totals."),
    ("Users", "organisations:users", "crossline.manage_users", "Invite people, change their roles, suspend accounts, manage API clients."),
    ("Audit", "audit:search", "crossline.search_audit", "Search who viewed, exported or changed personal data, and why."),
    ("Geography", "reference:areas", None, "Police forces, regions, councils, and which force covers a postcode."),
]


# The header shows one entry per part of the service, so that it stays on a line or two: the first
# page of the part the user may reach, marked current on any page of that part. The home page
# still offers every page as a card. Pages not listed here are a part of their own.
SECTIONS = {
    "returns:list": "returns", "returns:submit": "returns", "compliance:force": "returns",
    "compliance:league": "returns",
    "placements:list": "placements", "placements:figures": "placements",
    "linkage:home": "crossover", "linkage:queue": "crossover",
    "assessment:priorities": "priorities", "assessment:force": "priorities",
    "tasking:list": "tasking", "tasking:nominations": "tasking", "tasking:meetings": "tasking",
}


def sections_of(items: list[dict]) -> list[dict]:
    """One header entry for each part of the service among the user's pages."""
    entries: dict[str, dict] = {}
    for item in items:
        section = SECTIONS.get(item["name"], item["name"])
        if section not in entries:
            # aria-current: "page" where the entry is the page itself, "true" for another page of its part.
            entries[section] = dict(item, current="page" if item["active"] else "")
        elif item["active"]:
            entries[section].update(active=True, current="true")
    return list(entries.values())


def navigation_for(request):
    user = request.user
    if not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return []
    items = []
    for label, name, permission, description in ITEMS:
        # A tuple is "any of these": a page some organisations reach through one right, others through another.
        if permission and not any(user.has_perm(p) for p in ((permission,) if isinstance(permission, str) else permission)):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the app that serves it is not installed yet
        items.append({"label": label, "name": name, "url": url, "description": description, "active": False})
    # The page belongs to the item whose address is the longest prefix of it ("/returns/submit"
    # is "Submit a return", not also "Returns").
    matching = [item for item in items if request.path == item["url"]
                or (item["url"] != "/" and request.path.startswith(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return items
