"""Oversight figures: how forces handle the notifications they receive, and how many councils make.
Aggregates only (counts and durations), never a child: for PCC offices and national oversight."""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from crossline.placements import conf
from crossline.placements.models import (
    Delivery,
    DeliveryChannel,
    InboxItem,
    PlacementNotification,
    Purpose,
    Status,
)


@dataclass
class ForceFigures:
    name: str
    received: int = 0
    acknowledged: int = 0
    waiting: int = 0
    median_hours: float | None = None
    p95_hours: float | None = None
    breaches: int = 0  # acknowledged late, or still waiting past the time allowed
    to_supervisors: int = 0
    to_duty_desk: int = 0


@dataclass
class CouncilFigures:
    name: str
    made: int
    to_triage: int


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def force_figures(*, since: datetime, now: datetime | None = None) -> list[ForceFigures]:
    """Per force that received notifications routed to it since `since`, by name."""
    now = now or timezone.now()
    allowed = conf.supervisors_after()
    received = (InboxItem.objects.filter(purpose=Purpose.HOST_FORCE, received_at__gte=since)
                .select_related("recipient", "notification__acknowledgement"))
    figures: dict[int, ForceFigures] = {}
    durations: dict[int, list[float]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for item in received:
        key = (item.recipient_id, item.notification_id)
        if key in seen:
            continue
        seen.add(key)
        force = figures.setdefault(item.recipient_id, ForceFigures(name=item.recipient.name))
        force.received += 1
        notification = item.notification
        acknowledgement = getattr(notification, "acknowledgement", None)
        if acknowledgement is not None and acknowledgement.organisation_id == item.recipient_id:
            force.acknowledged += 1
            taken = acknowledgement.acknowledged_at - notification.routed_at
            durations[item.recipient_id].append(_hours(taken))
            force.breaches += taken > allowed
        elif (notification.status == Status.AWAITING_ACKNOWLEDGEMENT
              and notification.host_force_organisation_id == item.recipient_id):
            force.waiting += 1
            force.breaches += now - notification.routed_at > allowed
    for force_id, values in durations.items():
        figures[force_id].median_hours = statistics.median(values)
        figures[force_id].p95_hours = percentile(values, 0.95)
    for row in (Delivery.objects.filter(purpose=Purpose.SUPERVISORS, channel=DeliveryChannel.EMAIL,
                                        created_at__gte=since)
                .values("recipient").annotate(n=Count("notification", distinct=True))):
        if row["recipient"] in figures:
            figures[row["recipient"]].to_supervisors = row["n"]
    for row in (PlacementNotification.objects.filter(duty_desk_alerted_at__gte=since)
                .values("host_force_organisation").annotate(n=Count("id"))):
        if row["host_force_organisation"] in figures:
            figures[row["host_force_organisation"]].to_duty_desk = row["n"]
    return sorted(figures.values(), key=lambda force: force.name)


def council_figures(*, since: datetime) -> list[CouncilFigures]:
    rows = (PlacementNotification.objects.filter(created_at__gte=since)
            .values("placing_council__name").annotate(made=Count("id")).order_by("placing_council__name"))
    triaged = dict(Delivery.objects.filter(purpose=Purpose.TRIAGE, channel=DeliveryChannel.IN_SERVICE,
                                           notification__created_at__gte=since)
                   .values_list("notification__placing_council__name")
                   .annotate(n=Count("notification", distinct=True)))
    return [CouncilFigures(name=row["placing_council__name"], made=row["made"],
                           to_triage=triaged.get(row["placing_council__name"], 0)) for row in rows]
