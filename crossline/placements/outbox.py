"""Sending what placement notifications owe to other organisations: the outbox and its worker.

Services write `Delivery` rows in the same transaction as the change that causes them, so a
notification is never committed without what it must send (REL-09). The worker then takes the
due deliveries and sends each in three steps, each its own transaction:

1. claim: lock the due rows (`SKIP LOCKED` on PostgreSQL, so several workers share the work;
   SQLite serialises writers anyway), count the attempt and push `next_attempt_at` on, which is
   both the retry back-off and the claim's lease: a worker that dies leaves it to be taken again;
2. send: put the item in the recipient's inbox, or e-mail the recipient's people;
3. record: mark it delivered, add it to the notification's timeline and the audit trail.

The inbox is written as if it were another service's: receiving is insert-if-absent on the
delivery's UUID, so a worker that dies between sending and recording (REL-10) sends again on
the retry and the recipient still has one item. An e-mail may go twice in that case; it says
only that something needs attention, never what.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import User
from crossline.accounts.roles import (
    ACKNOWLEDGE_PLACEMENT,
    CREATE_PLACEMENT,
    KIND_PERMISSIONS,
    KIND_ROLES,
    ROLE_PERMISSIONS,
    Role,
)
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.organisations.models import Organisation
from crossline.placements import conf
from crossline.placements.models import (
    WHY_SENT,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    PlacementNotification,
    Purpose,
)
from crossline.placements.timeline import timeline_add

logger = logging.getLogger("crossline.placements")
OBJECT_TYPE = "placements.PlacementNotification"
CLAIM_BATCH = 50
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)

# Whose people are e-mailed, by why the organisation is sent the notification.
_EMAIL_PERMISSION = {
    Purpose.HOST_COUNCIL: CREATE_PLACEMENT,
    Purpose.REPEAT_MISSING: CREATE_PLACEMENT,
}


def deliveries_create(*, notification: PlacementNotification, recipient: Organisation, purpose: str,
                      now: datetime, channels=(DeliveryChannel.IN_SERVICE, DeliveryChannel.EMAIL)) -> list[Delivery]:
    """Queue what `recipient` is owed, in the caller's transaction."""
    return Delivery.objects.bulk_create([
        Delivery(notification=notification, recipient=recipient, purpose=purpose, channel=channel,
                 created_at=now, next_attempt_at=now)
        for channel in channels
    ])


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most an hour, after the attempt-th attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass
class DispatchResult:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # cancelled or delivered by another worker meanwhile


def deliveries_dispatch(*, now: datetime | None = None, limit: int = CLAIM_BATCH) -> DispatchResult:
    """Send every delivery that is due, in batches, until none is left; safe to run in several processes."""
    result = DispatchResult()
    while True:
        batch = deliveries_claim(now=now, limit=limit)
        if not batch:
            return result
        for delivery in batch:
            _attempt(delivery, result=result, now=now)
        if len(batch) < limit:
            return result


def deliveries_claim(*, now: datetime | None = None, limit: int = CLAIM_BATCH) -> list[Delivery]:
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id")
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True, of=("self",))
        batch = list(due.select_related("recipient", "notification")[:limit])
        for delivery in batch:
            delivery.attempts += 1
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        Delivery.objects.bulk_update(batch, ["attempts", "next_attempt_at"])
    return batch


def _attempt(delivery: Delivery, *, result: DispatchResult, now: datetime | None) -> None:
    try:
        sent = delivery_send(delivery, now=now)
    except Exception as error:  # noqa: BLE001 - any failure is retried, and recorded without its content
        logger.warning("placement delivery %s failed: %s", delivery.uuid, type(error).__name__)
        if delivery_record_failure(delivery, error=error, now=now):
            result.failed += 1
        else:
            result.retrying += 1
        return
    if sent is None:
        result.skipped += 1
        return
    delivery_record(delivery, people_emailed=sent, now=now)
    result.delivered += 1


def delivery_send(delivery: Delivery, *, now: datetime | None = None) -> int | None:
    """Send one claimed delivery: returns how many people were e-mailed (0 for the inbox), or None
    when it no longer needs sending (cancelled, or another worker finished it)."""
    with transaction.atomic():
        current = Delivery.objects.select_for_update().filter(pk=delivery.pk).values_list("status", flat=True).first()
        if current != DeliveryStatus.PENDING:
            return None
        if delivery.channel == DeliveryChannel.IN_SERVICE:
            inbox_receive(delivery, now=now)
            return 0
    return _email(delivery)


def inbox_receive(delivery: Delivery, *, now: datetime | None = None) -> InboxItem:
    """The receiving side: file the item unless this delivery has been filed already."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = InboxItem.objects.filter(recipient_id=delivery.recipient_id, notification_id=delivery.notification_id,
                                            delivery_uuid=delivery.uuid).first()
        if existing is not None:
            return existing
        return InboxItem.objects.create(recipient_id=delivery.recipient_id, notification_id=delivery.notification_id,
                                        delivery_uuid=delivery.uuid, purpose=delivery.purpose,
                                        received_at=now)


def _email(delivery: Delivery) -> int:
    people = email_recipients(organisation=delivery.recipient, purpose=delivery.purpose)
    notification = delivery.notification
    if delivery.purpose == Purpose.CROSSMATCH:
        link = settings.CROSSLINE_BASE_URL + reverse("placements:list")
    else:
        link = settings.CROSSLINE_BASE_URL + reverse("placements:detail", args=[notification.reference])
    # No personal data: the reference and a link only. Whoever follows it signs in and is checked.
    subject = "Crossline: a placement notification needs your attention"
    body = (
        f"A placement notification (reference {notification.reference}) needs the attention of "
        f"{delivery.recipient.name} in Crossline.\n\n"
        f"Why you are told: {Purpose(delivery.purpose).label}.\n\n"
        f"Sign in to Crossline to read it:\n{link}\n\n"
        "This e-mail holds no personal data. Do not reply to it.\n"
    )
    for person in people:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[person.email])
    return len(people)


def email_recipients(*, organisation: Organisation, purpose: str) -> list[User]:
    """The organisation's active people whose roles let them act on this kind of delivery."""
    permission = _EMAIL_PERMISSION.get(purpose, ACKNOWLEDGE_PLACEMENT)
    if permission not in KIND_PERMISSIONS.get(organisation.kind, frozenset()):
        return []
    allowed = set(KIND_ROLES.get(organisation.kind, ()))
    roles = {role for role in allowed if permission in ROLE_PERMISSIONS.get(role, frozenset())}
    if purpose == Purpose.SUPERVISORS and Role.ORGANISATION_ADMIN in allowed:
        # Forces have no supervisor role: the people who acknowledge, and those who run the
        # force's accounts, are the ones who can find out why nobody has.
        roles.add(Role.ORGANISATION_ADMIN)
    people = (User.objects.filter(organisation=organisation, is_active=True, suspended_at__isnull=True,
                                  role_grants__role__in=roles)
              .exclude(email="").distinct().order_by("email"))
    return list(people)


def delivery_record(delivery: Delivery, *, people_emailed: int, now: datetime | None = None) -> bool:
    """Mark a sent delivery delivered, once; False if it already was."""
    now = now or timezone.now()
    with transaction.atomic():
        marked = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, people_emailed=people_emailed, last_error="")
        if not marked:
            return False
        recipient, purpose = delivery.recipient, Purpose(delivery.purpose)
        detail = WHY_SENT[purpose]  # the timeline is read by every recipient, not only this one
        if delivery.channel == DeliveryChannel.IN_SERVICE:
            title = f"Sent to {recipient.name}"
        elif people_emailed:
            title = f"E-mailed {people_emailed} {'person' if people_emailed == 1 else 'people'} at {recipient.name}"
        else:
            # Worth seeing: nobody there holds a role that acts on it, so only the inbox will tell them.
            title = f"Nobody at {recipient.name} to e-mail"
            detail = f"{WHY_SENT[purpose]}. Nobody there holds a role that acts on placement notifications."
        timeline_add(notification=delivery.notification, at=now, title=title, detail=detail,
                     police_only=purpose == Purpose.CROSSMATCH)
        audit_record(action=AuditAction.DISCLOSE, object_type=OBJECT_TYPE,
                     object_refs=[delivery.notification.uuid], recipients=[recipient.name],
                     detail={"purpose": delivery.purpose, "channel": delivery.channel, "delivery": delivery.uuid,
                             "people_emailed": people_emailed})
    return True


def delivery_record_failure(delivery: Delivery, *, error: Exception, now: datetime | None = None) -> bool:
    """Note why an attempt failed; after the last attempt, give up. True if it gave up."""
    now = now or timezone.now()
    gave_up = delivery.attempts >= conf.delivery_max_attempts()
    with transaction.atomic():
        changes = {"last_error": type(error).__name__[:200]}
        if gave_up:
            changes["status"] = DeliveryStatus.FAILED
        if not Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(**changes):
            return False
        if gave_up:
            timeline_add(notification=delivery.notification, at=now,
                         title=f"Could not be sent to {delivery.recipient.name}",
                         detail=f"{DeliveryChannel(delivery.channel).label}: gave up after {delivery.attempts} attempts.",
                         police_only=delivery.purpose == Purpose.CROSSMATCH)
    return gave_up


def deliveries_cancel_pending(*, notification: PlacementNotification, purposes, now: datetime) -> None:
    """In the caller's transaction: what has not gone yet need not go (the notification went elsewhere)."""
    Delivery.objects.filter(notification=notification, purpose__in=purposes).filter(
        superseded_at__isnull=True).update(superseded_at=now)
    Delivery.objects.filter(notification=notification, purpose__in=purposes, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED)
    InboxItem.objects.filter(notification=notification, purpose__in=purposes, superseded_at__isnull=True).update(
        superseded_at=now)
