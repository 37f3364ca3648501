"""The placement settings a deployment may change (defaults here; override in settings.py)."""

from datetime import timedelta

from django.conf import settings


def supervisors_after() -> timedelta:
    """Unacknowledged this long after routing: the host force's supervisors are told."""
    return getattr(settings, "PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER", timedelta(hours=24))


def duty_desk_after() -> timedelta:
    """Unacknowledged this long after routing: the national duty desk is told."""
    return getattr(settings, "PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER", timedelta(hours=48))


def repeat_missing_episodes() -> int:
    """This many missing episodes within `repeat_missing_window` flag the placement to the placing council."""
    return getattr(settings, "PLACEMENT_REPEAT_MISSING_EPISODES", 3)


def repeat_missing_window() -> timedelta:
    return getattr(settings, "PLACEMENT_REPEAT_MISSING_WINDOW", timedelta(days=90))


def delivery_max_attempts() -> int:
    return getattr(settings, "PLACEMENT_DELIVERY_MAX_ATTEMPTS", 10)


def draft_lifetime() -> timedelta:
    """Drafts hold a child's details: they are removed this long after they were last saved."""
    return getattr(settings, "PLACEMENT_DRAFT_LIFETIME", timedelta(days=30))
