"""A council places a child in North Yorkshire: the host force, the home force and the host
council are each told exactly once, and the timeline and audit trail show it."""

import pytest

from crossline.audit.models import AuditEvent
from crossline.placements.models import Delivery, DeliveryStatus, InboxItem, Purpose, Status
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.tests.conftest import dispatch, notify
from crossline.reference.models import Postcode

pytestmark = pytest.mark.django_db


def test_north_yorkshire_police_gets_exactly_one_item_and_the_others_are_told(
        council_officer, north_yorkshire_police, west_yorkshire_police, north_yorkshire_council):
    notification = notify(council_officer)

    assert notification.status == Status.AWAITING_ACKNOWLEDGEMENT
    assert notification.host_force_organisation == north_yorkshire_police
    assert notification.home_force.code == "E23000010"
    assert InboxItem.objects.count() == 0  # nothing is in anyone's inbox until the worker sends it

    dispatch()

    assert list(InboxItem.objects.filter(recipient=north_yorkshire_police).values_list("purpose", flat=True)) == [
        Purpose.HOST_FORCE]
    assert list(InboxItem.objects.filter(recipient=west_yorkshire_police).values_list("purpose", flat=True)) == [
        Purpose.HOME_FORCE]
    assert list(InboxItem.objects.filter(recipient=north_yorkshire_council).values_list("purpose", flat=True)) == [
        Purpose.HOST_COUNCIL]
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    titles = list(notification.timeline.order_by("id").values_list("title", flat=True))
    assert titles[:2] == ["Made by Leeds City Council", "Routed to North Yorkshire Police"]
    assert "Sent to North Yorkshire Police" in titles
    assert "Sent to West Yorkshire Police" in titles
    assert "Sent to North Yorkshire Council" in titles
    assert placement_invariant_breaks() == []


def test_making_and_sending_are_audited_as_collection_and_disclosure(council_officer, north_yorkshire_police):
    notification = notify(council_officer)
    created = AuditEvent.objects.get(action="create", object_type="placements.PlacementNotification")
    assert created.actor_username == council_officer.username
    assert str(notification.uuid) in created.object_refs
    assert created.detail["routed_to"] == "E23000009"

    dispatch()

    disclosed = AuditEvent.objects.filter(action="disclose", object_type="placements.PlacementNotification")
    assert {tuple(event.recipients) for event in disclosed} >= {("North Yorkshire Police",), ("West Yorkshire Police",)}
    assert all(event.actor_kind == "system" for event in disclosed)


def test_an_exact_postcode_beats_the_district_share(council_officer, north_yorkshire_police):
    # LS29 is mostly West Yorkshire by district share, but this postcode is in North Yorkshire.
    Postcode.objects.create(postcode="LS29 0AA", police_force_id="E23000009", local_authority_id="E06000065")
    notification = notify(council_officer, postcode="ls290aa")
    assert notification.location_confidence == "exact"
    assert notification.postcode == "LS29 0AA"
    assert notification.host_force_organisation == north_yorkshire_police


def test_when_host_and_home_force_are_one_it_is_told_once(council_officer, west_yorkshire_police):
    notify(council_officer, postcode="LS1 4AP")
    dispatch()
    assert list(InboxItem.objects.filter(recipient=west_yorkshire_police).values_list("purpose", flat=True)) == [
        Purpose.HOST_FORCE]


def test_a_host_council_not_on_crossline_is_named_on_the_timeline(council_officer):
    notification = notify(council_officer)  # no North Yorkshire Council organisation in this test
    entry = notification.timeline.get(title__endswith="is not on Crossline")
    assert entry.title == "North Yorkshire council is not on Crossline"
    assert not Delivery.objects.filter(purpose=Purpose.HOST_COUNCIL).exists()
