"""Weeks and results for the intensification tests."""

from datetime import date, timedelta

from django.utils import timezone

from crossline.intensification.figures import FIGURES
from crossline.intensification.models import IntensificationWeek
from crossline.intensification.validate import Raw

WEST_YORKSHIRE, NORTH_YORKSHIRE, MERSEYSIDE = "E23000010", "E23000009", "E23000004"


def week_started(days_ago: int = 2, *, name: str | None = None) -> IntensificationWeek:
    """A week that began `days_ago` days ago; results due three days after its seventh day."""
    starts = timezone.localdate() - timedelta(days=days_ago)
    return IntensificationWeek.objects.create(
        name=name or f"Week from {starts}", starts_on=starts, ends_on=starts + timedelta(days=6),
        results_due_on=starts + timedelta(days=9), opened_at=timezone.now())


def week_on(starts: date, name: str) -> IntensificationWeek:
    return IntensificationWeek.objects.create(name=name, starts_on=starts, ends_on=starts + timedelta(days=6),
                                              results_due_on=starts + timedelta(days=9), opened_at=timezone.now())


def figures(**given) -> dict[str, object]:
    """Every required figure (10 arrests, 6 charges, 1 of everything else), changed by `given`."""
    values = {f.key: 1 for f in FIGURES if f.required}
    values.update(arrests=10, charges=6, cash_seized_gbp="1500.50")
    values.update(given)
    return values


def raw(**given) -> dict[str, Raw]:
    return {key: Raw(value) for key, value in figures(**given).items()}


def form_data(key: str = "7f1c3a52-9a36-4a4b-8f68-2d7f5b2c9b11", **given) -> dict[str, str]:
    data = {name: "" if value is None else str(value) for name, value in figures(**given).items()}
    data["idempotency_key"] = key
    return data
