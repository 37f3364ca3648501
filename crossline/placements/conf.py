"""The placement settings a deployment may change (defaults here; override in settings.py, where
the escalation delays can be set from the environment: docs/operations.md)."""

from datetime import timedelta

from django.conf import settings
from django.core import checks

DEFAULT_SUPERVISORS_AFTER = timedelta(hours=24)
DEFAULT_DUTY_DESK_AFTER = timedelta(hours=48)


def supervisors_after() -> timedelta:
    """Unacknowledged this long after routing: the host force's supervisors are told."""
    return getattr(settings, "PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER", DEFAULT_SUPERVISORS_AFTER)


def duty_desk_after() -> timedelta:
    """Unacknowledged this long after routing: the national duty desk is told."""
    return getattr(settings, "PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER", DEFAULT_DUTY_DESK_AFTER)


def describe(delta: timedelta) -> str:
    """A delay as people say it: "24 hours", "1 hour 30 minutes", "45 minutes"."""
    minutes = round(delta.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


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


def check_escalation_delays(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start with delays that would escalate never, at once, or out of order."""
    delays = {"PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER": supervisors_after(),
              "PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER": duty_desk_after()}
    errors = [
        checks.Error(f"{name} must be a positive timedelta, not {value!r}.", id="placements.E001")
        for name, value in delays.items() if not isinstance(value, timedelta) or value <= timedelta(0)
    ]
    if not errors and duty_desk_after() <= supervisors_after():
        errors.append(checks.Error(
            "PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER must be longer than PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER: "
            "supervisors are told first.", id="placements.E002"))
    return errors
