"""Demonstration placement notifications from Leeds City Council: one acknowledged by North
Yorkshire Police, one nobody acknowledged (escalated to supervisors and the duty desk), one with
the national triage desk, and one waiting in Merseyside. Needs `crossline demo load` first.
Refused in production; loading twice adds nothing."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from crossline.accounts.models import User
from crossline.organisations.models import Organisation
from crossline.placements.details import PlacementDetails
from crossline.placements.escalation import placements_escalate
from crossline.placements.models import PlacementNotification
from crossline.placements.outbox import deliveries_dispatch
from crossline.placements.services import inbox_items_mark_read, placement_acknowledge, placement_notify

COUNCIL = "leeds-city-council"
PLACER = "safeguarding@leeds.demo"
NORTH_YORKSHIRE_ANALYST = "analyst@northyorkshire.demo"


@dataclass(frozen=True)
class DemoPlacement:
    key: str  # kept as the idempotency key, so that loading twice finds it
    forenames: str
    surname: str
    born: date
    postcode: str
    provider: str
    address: str
    hours_ago: int
    acknowledged_after_hours: int | None = None


def _placements(today: date) -> list[DemoPlacement]:
    return [
        DemoPlacement("demo-placement-1", "Kai", "Brown", date(today.year - 15, 3, 14), "HG1 2AB",
                      "Dales View Homes Ltd", "Dales View, 1 Example Road, Harrogate", hours_ago=50,
                      acknowledged_after_hours=3),
        DemoPlacement("demo-placement-2", "Mia", "Johnson", date(today.year - 14, 9, 2), "YO8 4AA",
                      "Riverside Care Ltd", "The Lodge, 2 Sample Lane, Selby", hours_ago=72),
        DemoPlacement("demo-placement-3", "Tyler", "Green", date(today.year - 16, 1, 20), "EH1 1YZ",
                      "Lothian Young People's Service", "3 Example Wynd, Edinburgh", hours_ago=5),
        DemoPlacement("demo-placement-4", "Leah", "Walsh", date(today.year - 15, 11, 30), "L8 1AA",
                      "Mersey Homes for Children", "4 Sample Street, Liverpool", hours_ago=2),
    ]


def _details(placement: DemoPlacement, *, made: datetime) -> PlacementDetails:
    started = timezone.localdate(made)
    return PlacementDetails(
        child_forenames=placement.forenames, child_surname=placement.surname, date_of_birth=placement.born,
        gender="female" if placement.forenames in {"Mia", "Leah"} else "male",
        council_child_ref=f"LCC-{placement.key[-1]}0417", legal_status="s31",
        risks=("criminal_exploitation", "county_lines", "missing_history"),
        known_associates="Older males linked to the JAY line in Chapeltown.",
        risk_summary="Groomed to carry drugs between Leeds and the coast; found in a cuckooed flat in May.",
        placement_type="childrens_home", provider_name=placement.provider, address=placement.address,
        postcode=placement.postcode, start_date=started, planned_end_date=started + timedelta(days=182),
        social_worker_name="Chris Lewis", social_worker_phone="0113 496 0101",
        social_worker_email="safeguarding@leeds.demo", out_of_hours_contact="Leeds Emergency Duty Team",
        out_of_hours_phone="0113 496 0999",
        profile_description="Slim build, short dark hair, usually in a black tracksuit and white trainers.",
        profile_vulnerabilities="Asthma (inhaler). Low mood.",
        profile_associates="Friends from school in Harehills.",
        profile_places="Bus and railway stations; fast-food restaurants near stations.",
        profile_phones_social_media="Uses Snapchat and more than one phone.",
        profile_missing_history="Missing four times this year, found in other towns each time.",
    )


def placements_demo_load() -> list[PlacementNotification]:
    if settings.PRODUCTION or not settings.CROSSLINE_DEMO:
        raise ImproperlyConfigured("Demo placements exist only in a demonstration (CROSSLINE_DEMO=1).")
    council = Organisation.objects.get(slug=COUNCIL)
    placer = User.objects.get(username=PLACER)
    analyst = User.objects.get(username=NORTH_YORKSHIRE_ANALYST)
    now = timezone.now()
    made = []
    for placement in _placements(timezone.localdate(now)):
        existing = PlacementNotification.objects.filter(placing_council=council, idempotency_key=placement.key).first()
        if existing is not None:
            made.append(existing)
            continue
        at = now - timedelta(hours=placement.hours_ago)
        notification = placement_notify(details=_details(placement, made=at), actor=placer, idempotency_key=placement.key,
                                        now=at)
        deliveries_dispatch(now=at)
        if placement.acknowledged_after_hours is not None:
            acknowledged_at = at + timedelta(hours=placement.acknowledged_after_hours)
            # Read before it is acknowledged, as the force's analyst would, so it is not listed as new.
            inbox_items_mark_read(notification=notification, user=analyst, now=acknowledged_at - timedelta(minutes=20))
            placement_acknowledge(
                notification=notification, user=analyst, local_intelligence_checked=True,
                risk_management_plan="Address flagged on the command and control system; neighbourhood team "
                                     "briefed; PCSO visit to the home arranged; missing-from-home plan agreed.",
                named_officer="PC Sam Dale", named_officer_contact="sam.dale@northyorkshire.police.example",
                now=acknowledged_at)
        made.append(notification)
    placements_escalate(now=now)
    deliveries_dispatch(now=now)
    by_pk = PlacementNotification.objects.in_bulk([notification.pk for notification in made])
    return [by_pk[notification.pk] for notification in made]
