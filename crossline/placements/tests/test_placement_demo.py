"""The demonstration's placements: one acknowledged, one escalated to the duty desk, one in triage."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from crossline.demo.services import demo_users_load
from crossline.placements.demo import placements_demo_load
from crossline.placements.models import InboxItem, PlacementNotification, Purpose, Status
from crossline.placements.selectors import placement_invariant_breaks

pytestmark = pytest.mark.django_db


def test_the_demo_placements(settings):
    settings.CROSSLINE_DEMO = True
    demo_users_load()
    made = placements_demo_load()

    assert [n.status for n in made] == [Status.ACKNOWLEDGED, Status.AWAITING_ACKNOWLEDGEMENT, Status.IN_TRIAGE,
                                        Status.AWAITING_ACKNOWLEDGEMENT]
    escalated = made[1]
    assert escalated.supervisors_alerted_at and escalated.duty_desk_alerted_at
    assert InboxItem.objects.filter(notification=escalated, purpose=Purpose.DUTY_DESK).exists()
    north_yorkshire = InboxItem.objects.filter(recipient__name="North Yorkshire Police", purpose=Purpose.HOST_FORCE)
    assert north_yorkshire.count() == 2
    # Dated as the story goes: received when made, the acknowledged one read before it was acknowledged.
    for item in north_yorkshire.select_related("notification"):
        assert item.received_at == item.notification.routed_at
        assert (item.read_at is not None) == (item.notification.status == Status.ACKNOWLEDGED)
    assert InboxItem.objects.filter(recipient__slug="north-yorkshire-council", purpose=Purpose.HOST_COUNCIL).count() == 2
    assert placement_invariant_breaks() == []

    assert placements_demo_load() == made  # loading again adds nothing
    assert PlacementNotification.objects.count() == 4


def test_refused_outside_a_demonstration(settings):
    settings.CROSSLINE_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        placements_demo_load()
