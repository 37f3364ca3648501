"""The notification's timeline: what happened, shown to everyone who may read the notification."""

from datetime import datetime

from crossline.placements.models import PlacementNotification, TimelineEntry


def timeline_add(*, notification: PlacementNotification, at: datetime, title: str, detail: str = "",
                 actor=None, police_only: bool = False) -> TimelineEntry:
    """In the caller's transaction. `actor` is a person or machine client; None is Crossline itself."""
    organisation = getattr(actor, "organisation", None)
    if hasattr(actor, "scopes"):
        actor_name = f"{actor.name} (case system)"
    else:
        actor_name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""
    return TimelineEntry.objects.create(
        notification=notification, occurred_at=at, title=title[:200], detail=detail[:500],
        organisation_name=organisation.name if organisation is not None else "Crossline",
        actor_name=actor_name[:200], police_only=police_only,
    )
