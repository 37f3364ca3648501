"""Reads of placement notifications, scoped to who is asking (AC-02).

A notification is read by the placing council and by the organisations it was sent to for a
reason that lets them read it (host force, triage desk, home force, host council, duty desk).
A force that only holds a matching record gets a match alert, which says a match exists and
nothing about the child; the notification itself is not found for it. Anyone else: not found.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from crossline.accounts.roles import ACKNOWLEDGE_PLACEMENT, CREATE_PLACEMENT, VIEW_PERSONAL_DATA
from crossline.organisations.models import Organisation
from crossline.placements import conf
from crossline.placements.models import (
    HOST_PURPOSES,
    READING_PURPOSES,
    CrossmatchHit,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    PlacementDraft,
    PlacementNotification,
    Purpose,
    Status,
)

LIST_LIMIT = 200


def _organisation(user) -> Organisation | None:
    return getattr(user, "organisation", None) if getattr(user, "organisation_id", None) else None


def _may_read_placements(user) -> bool:
    return user.has_perm(VIEW_PERSONAL_DATA) and (
        user.has_perm(CREATE_PLACEMENT) or user.has_perm(ACKNOWLEDGE_PLACEMENT))


def notifications_visible_to(*, user) -> QuerySet[PlacementNotification]:
    organisation = _organisation(user)
    if organisation is None or not _may_read_placements(user):
        return PlacementNotification.objects.none()
    readable = Q(inbox_items__recipient=organisation, inbox_items__purpose__in=READING_PURPOSES,
                 inbox_items__superseded_at__isnull=True)
    if user.has_perm(CREATE_PLACEMENT):
        readable |= Q(placing_council=organisation)
    ids = PlacementNotification.objects.filter(readable).values("pk")
    return PlacementNotification.objects.filter(pk__in=ids).select_related(
        "placing_council", "host_force_organisation", "host_force", "home_force", "host_local_authority")


def match_alerts_for(*, user) -> QuerySet[InboxItem]:
    """Match alerts sent to the user's force: a match exists, no more."""
    organisation = _organisation(user)
    if organisation is None or not organisation.is_law_enforcement or not user.has_perm(ACKNOWLEDGE_PLACEMENT):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(recipient=organisation, purpose=Purpose.CROSSMATCH).select_related(
        "notification__host_force_organisation", "notification__host_force")


def match_records_for(*, user, alert: InboxItem) -> QuerySet[CrossmatchHit]:
    """The user's own force's records an alert matched (their own data, so they may see which)."""
    organisation = _organisation(user)
    if organisation is None or alert.recipient_id != organisation.pk or organisation.police_force_id is None:
        return CrossmatchHit.objects.none()
    return CrossmatchHit.objects.filter(notification_id=alert.notification_id, force_id=organisation.police_force_id)


def matches_visible_to(*, user, notification: PlacementNotification) -> QuerySet[CrossmatchHit] | None:
    """Which forces hold records that may be the child: for police readers of the notification only
    (None for anyone else: intelligence holdings are not shared with councils this way)."""
    organisation = _organisation(user)
    if organisation is None or not organisation.is_law_enforcement:
        return None
    return notification.matches.select_related("force")


def timeline_visible_to(*, user, notification: PlacementNotification):
    organisation = _organisation(user)
    entries = notification.timeline.all()
    if organisation is None or not organisation.is_law_enforcement:
        entries = entries.filter(police_only=False)
    return entries


def drafts_visible_to(*, user) -> QuerySet[PlacementDraft]:
    """A council's drafts, for its people who make notifications (a colleague can finish one)."""
    organisation = _organisation(user)
    if organisation is None or not user.has_perm(CREATE_PLACEMENT):
        return PlacementDraft.objects.none()
    return PlacementDraft.objects.filter(council=organisation).select_related("created_by", "moved_from")


def placement_history(*, user, notification: PlacementNotification) -> QuerySet[PlacementNotification]:
    """The same child's placements by the same council, newest first (the council's view)."""
    return notifications_visible_to(user=user).filter(
        placing_council_id=notification.placing_council_id, council_child_ref=notification.council_child_ref,
    ).order_by("-start_date", "-created_at")


@dataclass
class Inbox:
    to_acknowledge: list = field(default_factory=list)
    in_area: list = field(default_factory=list)
    triage: list = field(default_factory=list)
    duty_desk: list = field(default_factory=list)
    match_alerts: list = field(default_factory=list)
    for_information: list = field(default_factory=list)
    made: list = field(default_factory=list)
    drafts: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


def inbox_for(*, user, now=None) -> Inbox:
    now = now or timezone.now()
    inbox = Inbox()
    organisation = _organisation(user)
    if organisation is None:
        return inbox
    if _may_read_placements(user):
        items = (InboxItem.objects.filter(recipient=organisation, superseded_at__isnull=True)
                 .select_related("notification__placing_council", "notification__host_force_organisation")
                 .order_by("-received_at"))
        waiting = items.filter(notification__status=Status.AWAITING_ACKNOWLEDGEMENT)
        inbox.to_acknowledge = list(waiting.filter(purpose=Purpose.HOST_FORCE).order_by("notification__routed_at"))
        inbox.in_area = list(items.filter(purpose=Purpose.HOST_FORCE, notification__status=Status.ACKNOWLEDGED)
                             [:LIST_LIMIT])
        inbox.triage = list(items.filter(purpose=Purpose.TRIAGE, notification__status=Status.IN_TRIAGE)
                            .order_by("received_at"))
        inbox.duty_desk = list(waiting.filter(purpose=Purpose.DUTY_DESK).order_by("notification__routed_at"))
        for item in (*inbox.to_acknowledge, *inbox.duty_desk):
            item.overdue = now - item.notification.routed_at > conf.supervisors_after()
        inbox.for_information = list(items.filter(purpose__in=[
            Purpose.HOME_FORCE, Purpose.HOST_COUNCIL, Purpose.REPEAT_MISSING, Purpose.PLACEMENT_ENDED,
        ])[:LIST_LIMIT])
    inbox.match_alerts = list(match_alerts_for(user=user)[:LIST_LIMIT])
    if user.has_perm(CREATE_PLACEMENT) and user.has_perm(VIEW_PERSONAL_DATA):
        inbox.made = list(PlacementNotification.objects.filter(placing_council=organisation)
                          .select_related("host_force_organisation")[:LIST_LIMIT])
        inbox.drafts = list(drafts_visible_to(user=user))
    return inbox


def recipients_of(notification: PlacementNotification) -> QuerySet[Delivery]:
    """What was sent to whom, for the notification's page (match alerts are shown to police only)."""
    return notification.deliveries.select_related("recipient").order_by("created_at", "id")


# --- Invariants (checked by tests and by `crossline placements check`) ------------------------
def placement_invariant_breaks() -> list[str]:
    """Every way the notifications break the rules that keep them from being lost or doubled:
    each has what it must send (REL-09); each is held by exactly one live host-force or triage
    delivery, to the organisation its status says; and no organisation holds it twice."""
    breaks = []
    for reference in PlacementNotification.objects.filter(deliveries__isnull=True).values_list("reference", flat=True):
        breaks.append(f"{reference}: nothing to send (no delivery)")
    holders: dict[int, list[dict]] = {}
    for delivery in (Delivery.objects.filter(purpose__in=HOST_PURPOSES, channel=DeliveryChannel.IN_SERVICE,
                                             superseded_at__isnull=True)
                     .exclude(status=DeliveryStatus.CANCELLED)
                     .values("notification", "purpose", "recipient", "status", "uuid")):
        holders.setdefault(delivery["notification"], []).append(delivery)
    current: dict[int, object] = {}
    for item in InboxItem.objects.filter(purpose__in=HOST_PURPOSES, superseded_at__isnull=True).values(
            "notification", "delivery_uuid"):
        if item["notification"] in current:
            breaks.append(f"notification {item['notification']}: two current host-force or triage inbox items")
        current[item["notification"]] = item["delivery_uuid"]
    for notification in PlacementNotification.objects.values("pk", "reference", "status", "host_force_organisation"):
        held = holders.get(notification["pk"], [])
        reference = notification["reference"]
        if len(held) != 1:
            breaks.append(f"{reference}: held by {len(held)} host-force or triage deliveries, not 1")
            continue
        delivery = held[0]
        if notification["status"] == Status.IN_TRIAGE and delivery["purpose"] != Purpose.TRIAGE:
            breaks.append(f"{reference}: in triage but its delivery is for a host force")
        if notification["host_force_organisation"] is not None and (
                delivery["purpose"] != Purpose.HOST_FORCE
                or delivery["recipient"] != notification["host_force_organisation"]):
            breaks.append(f"{reference}: host force and its delivery disagree")
        if delivery["status"] == DeliveryStatus.DELIVERED and current.get(notification["pk"]) != delivery["uuid"]:
            breaks.append(f"{reference}: delivered but not in the recipient's inbox")
    for row in (InboxItem.objects.values("recipient", "notification", "delivery_uuid")
                .annotate(n=Count("id")).filter(n__gt=1)):
        breaks.append(f"notification {row['notification']}: delivery {row['delivery_uuid']} filed {row['n']} times")
    return breaks
