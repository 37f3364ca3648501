"""The host force acknowledges (once, audited), passes back a notification not in its area, and
the triage desk routes what nobody could place."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crossline.audit.models import AuditEvent
from crossline.organisations.selectors import national_centre
from crossline.placements.models import Acknowledgement, InboxItem, Purpose, Status
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.services import placement_acknowledge, placement_decline, placement_route
from crossline.placements.tests.conftest import UNKNOWN_POSTCODE, dispatch, notify
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db

WHAT_WE_DID = dict(local_intelligence_checked=True, risk_management_plan="Address flagged; home visited.",
                   named_officer="PC Dale", named_officer_contact="0300 000 0001")


def test_acknowledging_twice_changes_nothing_and_both_attempts_are_audited(council_officer, ny_analyst):
    notification = notify(council_officer)
    first = placement_acknowledge(notification=notification, user=ny_analyst, **WHAT_WE_DID)
    again = placement_acknowledge(notification=notification, user=ny_analyst, **{**WHAT_WE_DID, "named_officer": "X"})

    assert again.pk == first.pk and again.named_officer == "PC Dale"
    assert Acknowledgement.objects.count() == 1
    notification.refresh_from_db()
    assert notification.status == Status.ACKNOWLEDGED
    assert notification.timeline.filter(title="Acknowledged by North Yorkshire Police").count() == 1
    attempts = AuditEvent.objects.filter(action="change", detail__acknowledged__isnull=False).order_by("id")
    assert [event.detail["acknowledged"] for event in attempts] == ["now", "already"]


def test_only_the_host_force_acknowledges(council_officer, wy_analyst, triage_analyst):
    notification = notify(council_officer)
    for someone in (wy_analyst, triage_analyst, council_officer):
        with pytest.raises(PermissionDenied):
            placement_acknowledge(notification=notification, user=someone, **WHAT_WE_DID)
    assert not Acknowledgement.objects.exists()


def test_an_acknowledgement_must_say_what_was_done(council_officer, ny_analyst):
    notification = notify(council_officer)
    with pytest.raises(ValidationError) as refused:
        placement_acknowledge(notification=notification, user=ny_analyst, local_intelligence_checked=False,
                              risk_management_plan=" ", named_officer="", named_officer_contact="")
    assert set(refused.value.message_dict) == {"risk_management_plan", "named_officer", "named_officer_contact"}
    assert not Acknowledgement.objects.exists()


def test_unknown_postcode_goes_to_triage_and_the_desk_routes_it(council_officer, triage_analyst,
                                                                 north_yorkshire_police):
    notification = notify(council_officer, postcode=UNKNOWN_POSTCODE)
    assert notification.status == Status.IN_TRIAGE and notification.host_force_organisation is None
    dispatch()
    assert InboxItem.objects.get(recipient=national_centre(), superseded_at__isnull=True).purpose == Purpose.TRIAGE

    placement_route(notification=notification, user=triage_analyst, force=PoliceForce.objects.get(code="E23000009"),
                    note="Provider confirms Harrogate")
    dispatch()

    notification.refresh_from_db()
    assert notification.status == Status.AWAITING_ACKNOWLEDGEMENT
    assert notification.host_force_organisation == north_yorkshire_police and notification.routed_at is not None
    current = InboxItem.objects.filter(purpose__in=[Purpose.HOST_FORCE, Purpose.TRIAGE], superseded_at__isnull=True)
    assert [(item.recipient, item.purpose) for item in current] == [(north_yorkshire_police, Purpose.HOST_FORCE)]
    assert placement_invariant_breaks() == []


def test_routing_before_the_triage_item_was_even_sent_cancels_it(council_officer, triage_analyst):
    notification = notify(council_officer, postcode=UNKNOWN_POSTCODE)
    placement_route(notification=notification, user=triage_analyst, force=PoliceForce.objects.get(code="E23000009"))
    dispatch()
    assert not InboxItem.objects.filter(purpose=Purpose.TRIAGE).exists()
    assert placement_invariant_breaks() == []


def test_only_the_national_desk_routes_and_only_what_it_holds(council_officer, ny_analyst, triage_analyst):
    in_triage = notify(council_officer, postcode=UNKNOWN_POSTCODE)
    routed = notify(council_officer)
    force = PoliceForce.objects.get(code="E23000009")
    with pytest.raises(PermissionDenied):
        placement_route(notification=in_triage, user=ny_analyst, force=force)
    with pytest.raises(ValidationError):
        placement_route(notification=routed, user=triage_analyst, force=force)


def test_a_force_passes_back_a_placement_not_in_its_area(council_officer, ny_analyst, triage_analyst):
    notification = notify(council_officer)
    dispatch()
    placement_decline(notification=notification, user=ny_analyst, reason="The home is in Craven, West Yorkshire side")
    dispatch()

    notification.refresh_from_db()
    assert notification.status == Status.IN_TRIAGE and notification.routed_at is None
    current = InboxItem.objects.filter(purpose__in=[Purpose.HOST_FORCE, Purpose.TRIAGE], superseded_at__isnull=True)
    assert [item.purpose for item in current] == [Purpose.TRIAGE]
    assert placement_invariant_breaks() == []
    with pytest.raises(PermissionDenied):  # no longer theirs
        placement_acknowledge(notification=notification, user=ny_analyst, **WHAT_WE_DID)
