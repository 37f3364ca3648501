"""Chasing a notification nobody has acknowledged: first the host force's supervisors, then the
national duty desk. Run by the worker (`crossline placements escalate`); `now` is injectable so
that tests, and a worker catching up after an outage, escalate exactly as the clock says."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.organisations.selectors import national_centre
from crossline.placements import conf
from crossline.placements.models import DeliveryChannel, PlacementNotification, Purpose, Status
from crossline.placements.outbox import OBJECT_TYPE, deliveries_create
from crossline.placements.timeline import timeline_add

BATCH = 100


@dataclass
class EscalationResult:
    to_supervisors: list[str] = field(default_factory=list)  # references
    to_duty_desk: list[str] = field(default_factory=list)


def placements_escalate(*, now: datetime | None = None) -> EscalationResult:
    """Escalate every notification whose time is up; running again at the same time does nothing more.
    Supervisors first, so a worker that was down for days still takes both steps in order."""
    now = now or timezone.now()
    waiting = PlacementNotification.objects.filter(status=Status.AWAITING_ACKNOWLEDGEMENT).order_by("routed_at", "id")
    to_supervisors = waiting.filter(supervisors_alerted_at__isnull=True, routed_at__lte=now - conf.supervisors_after())
    to_duty_desk = waiting.filter(supervisors_alerted_at__isnull=False, duty_desk_alerted_at__isnull=True,
                                  routed_at__lte=now - conf.duty_desk_after())
    return EscalationResult(
        to_supervisors=_each(to_supervisors, _escalate_to_supervisors, now=now),
        to_duty_desk=_each(to_duty_desk, _escalate_to_duty_desk, now=now),
    )


def _each(due: QuerySet, escalate: Callable, *, now: datetime) -> list[str]:
    done = []
    while True:
        with transaction.atomic():
            locked = due.select_for_update(skip_locked=True, of=("self",)) if connection.vendor == "postgresql" else due
            batch = list(locked.select_related("host_force_organisation")[:BATCH])
            for notification in batch:
                escalate(notification, now=now)
                done.append(notification.reference)
        if len(batch) < BATCH:
            return done


def _escalate_to_supervisors(notification: PlacementNotification, *, now: datetime) -> None:
    notification.supervisors_alerted_at = now
    notification.save(update_fields=["supervisors_alerted_at"])
    force = notification.host_force_organisation
    # The item is already in the force's inbox (shown overdue there); its supervisors are e-mailed.
    deliveries_create(notification=notification, recipient=force, purpose=Purpose.SUPERVISORS, now=now,
                      channels=(DeliveryChannel.EMAIL,))
    timeline_add(notification=notification, at=now, title=f"Escalated to {force.name} supervisors",
                 detail=f"Not acknowledged within {conf.describe(conf.supervisors_after())}.")
    audit_record(action=AuditAction.CHANGE, object_type=OBJECT_TYPE, object_refs=[notification.uuid],
                 recipients=[force.name], detail={"escalated": "supervisors"})


def _escalate_to_duty_desk(notification: PlacementNotification, *, now: datetime) -> None:
    notification.duty_desk_alerted_at = now
    notification.save(update_fields=["duty_desk_alerted_at"])
    desk = national_centre()
    deliveries_create(notification=notification, recipient=desk, purpose=Purpose.DUTY_DESK, now=now)
    timeline_add(notification=notification, at=now, title="Escalated to the national duty desk",
                 detail=f"Not acknowledged by {notification.host_force_organisation.name} within "
                        f"{conf.describe(conf.duty_desk_after())}.")
    audit_record(action=AuditAction.CHANGE, object_type=OBJECT_TYPE, object_refs=[notification.uuid],
                 recipients=[desk.name], detail={"escalated": "duty_desk"})

