"""The assessment app's scores, where it is installed: tasking works without them (a list of
nominations or taskings simply has no score column) and uses them as soon as they exist."""

from django.apps import apps


def available() -> bool:
    return apps.is_installed("crossline.assessment")


def _selectors():
    if not available():
        return None
    from crossline.assessment import selectors

    return selectors


def scores_for(*, user, entity_ids) -> dict[int, object]:
    """line entity -> its latest assessment (score, band, contributions), for lines `user` may see."""
    selectors = _selectors()
    entity_ids = list(entity_ids)
    if selectors is None or not entity_ids:
        return {}
    return {row.entity_id: row for row in selectors.priority_lines(user=user).filter(entity_id__in=entity_ids)}


def priority_lines(*, user, region_code: str | None = None, band: str | None = None, limit: int = 20) -> list | None:
    """The top lines, or None when scoring is not installed."""
    selectors = _selectors()
    if selectors is None:
        return None
    return list(selectors.priority_lines(user=user, region_code=region_code, band=band)[:limit])


def score_changes_since(*, user, since, region_code: str | None = None, limit: int = 20) -> list | None:
    selectors = _selectors()
    if selectors is None:
        return None
    return list(selectors.score_changes_since(user=user, since=since, region_code=region_code)[:limit])


def line_labels(*, user, entity_ids) -> dict[int, str]:
    """line entity -> a name the user may read (the line's name, a deal number or a reference);
    lines they may not read are "Line <id>"."""
    entity_ids = list(entity_ids)
    selectors = _selectors()
    labels = selectors.line_labels(user=user, entity_ids=entity_ids) if selectors is not None else {}
    return {pk: labels.get(pk) or f"Line {pk}" for pk in entity_ids}
