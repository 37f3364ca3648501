"""A Hypothesis state machine over the notification lifecycle: create, route, deliver (with
workers dying mid-send), acknowledge, escalate, pass back, end and move, with time passing.
After every step no notification is lost or doubled: each is held by exactly one host force or
the triage desk, never two; escalations are never early; acknowledgements are never doubled."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.organisations.selectors import force_organisation, national_centre
from crossline.placements import conf
from crossline.placements.escalation import placements_escalate
from crossline.placements.models import (
    HOST_PURPOSES,
    Acknowledgement,
    DeliveryChannel,
    DeliveryStatus,
    InboxItem,
    PlacementNotification,
    Status,
)
from crossline.placements.outbox import deliveries_claim, delivery_send
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.services import (
    placement_acknowledge,
    placement_decline,
    placement_end,
    placement_missing_record,
    placement_route,
)
from crossline.placements.tests.conftest import AMBIGUOUS_POSTCODE, UNKNOWN_POSTCODE, dispatch, notify
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db

POSTCODES = ["HG1 2AB", AMBIGUOUS_POSTCODE, UNKNOWN_POSTCODE, "LS1 4AP", "L8 1AA", "YO1 7HH"]
FORCES = ["E23000009", "E23000010", "E23000004"]  # North Yorkshire, West Yorkshire, Merseyside


class PlacementLifecycle(RuleBasedStateMachine):
    cast: dict = {}
    notifications = Bundle("notifications")

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()  # every run starts from the same database and leaves it so
        self.clock = timezone.now()

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _fresh(self, notification) -> PlacementNotification:
        return PlacementNotification.objects.get(pk=notification.pk)

    @rule(target=notifications, postcode=st.sampled_from(POSTCODES), confirm=st.booleans())
    def create(self, postcode, confirm):
        confirmed = "E23000009" if confirm else None
        return notify(self.cast["council"], postcode=postcode, confirmed_host_force_code=confirmed, now=self.clock)

    @rule(minutes=st.integers(min_value=1, max_value=36 * 60))
    def time_passes(self, minutes):
        self.clock += timedelta(minutes=minutes)

    @rule()
    def deliver(self):
        dispatch(now=self.clock)

    @rule(how_many=st.integers(min_value=1, max_value=4))
    def worker_dies_after_sending(self, how_many):
        for delivery in deliveries_claim(now=self.clock, limit=how_many):
            delivery_send(delivery, now=self.clock)  # ... and never records it

    @rule()
    def deliver_everything_eventually(self):
        dispatch(now=self.clock + timedelta(hours=2))  # past every lease and back-off
        for notification in PlacementNotification.objects.all():
            current = list(InboxItem.objects.filter(notification=notification, purpose__in=HOST_PURPOSES,
                                                    superseded_at__isnull=True))
            assert len(current) == 1, (notification.reference, current)
            expected = notification.host_force_organisation or national_centre()
            if notification.is_open:
                assert current[0].recipient == expected
        for delivery in notification_deliveries(DeliveryChannel.IN_SERVICE, DeliveryStatus.DELIVERED):
            assert InboxItem.objects.filter(delivery_uuid=delivery.uuid).count() == 1

    @rule()
    def escalate(self):
        placements_escalate(now=self.clock)

    @rule(notification=notifications)
    def acknowledge(self, notification):
        notification = self._fresh(notification)
        user = self.cast["hosts"].get(notification.host_force_organisation_id)
        if user is None or notification.status not in (Status.AWAITING_ACKNOWLEDGEMENT, Status.ACKNOWLEDGED):
            return
        placement_acknowledge(notification=notification, user=user, local_intelligence_checked=True,
                              risk_management_plan="Plan", named_officer="PC Dale", named_officer_contact="0300",
                              now=self.clock)
        assert self._fresh(notification).status == Status.ACKNOWLEDGED

    @rule(notification=notifications, force=st.sampled_from(FORCES))
    def triage_routes(self, notification, force):
        notification = self._fresh(notification)
        if notification.status != Status.IN_TRIAGE:
            return
        placement_route(notification=notification, user=self.cast["triage"], force=PoliceForce.objects.get(code=force),
                        now=self.clock)

    @rule(notification=notifications)
    def host_passes_back(self, notification):
        notification = self._fresh(notification)
        if notification.status != Status.AWAITING_ACKNOWLEDGEMENT:
            return
        placement_decline(notification=notification, user=self.cast["hosts"][notification.host_force_organisation_id],
                          reason="Not ours", now=self.clock)

    @rule(notification=notifications)
    def missing_episode(self, notification):
        notification = self._fresh(notification)
        if notification.host_force_organisation_id is None:
            return
        placement_missing_record(notification=notification, user=self.cast["hosts"][notification.host_force_organisation_id],
                                 went_missing_at=self.clock - timedelta(hours=1), returned_at=None,
                                 police_reference="NYP-1", now=self.clock)

    @rule(notification=notifications)
    def end(self, notification):
        notification = self._fresh(notification)
        if notification.is_open:
            placement_end(notification=notification, user=self.cast["council"], reason="Returned home",
                          ended_on=timezone.localdate(self.clock), now=self.clock)

    @rule(target=notifications, notification=notifications, postcode=st.sampled_from(POSTCODES))
    def move(self, notification, postcode):
        notification = self._fresh(notification)
        if not notification.is_open:
            return notification
        moved = notify(self.cast["council"], postcode=postcode, moved_from=notification, now=self.clock)
        assert self._fresh(notification).status == Status.MOVED
        return moved

    @invariant()
    def every_notification_is_held_exactly_once(self):
        assert placement_invariant_breaks() == []

    @invariant()
    def escalations_are_never_early_and_in_order(self):
        for notification in PlacementNotification.objects.exclude(routed_at=None):
            if notification.supervisors_alerted_at:
                assert notification.supervisors_alerted_at >= notification.routed_at + conf.supervisors_after()
            if notification.duty_desk_alerted_at:
                assert notification.supervisors_alerted_at is not None
                assert notification.duty_desk_alerted_at >= notification.routed_at + conf.duty_desk_after()

    @invariant()
    def acknowledged_means_one_acknowledgement_by_the_host(self):
        for notification in PlacementNotification.objects.filter(status=Status.ACKNOWLEDGED):
            acknowledgement = Acknowledgement.objects.get(notification=notification)
            assert acknowledgement.organisation_id == notification.host_force_organisation_id


def notification_deliveries(channel, status):
    from crossline.placements.models import Delivery

    return Delivery.objects.filter(channel=channel, status=status)


def test_the_lifecycle_never_loses_or_doubles_a_notification(council_officer, triage_analyst):
    hosts = {}
    for code in FORCES:
        organisation = force_organisation(code)
        hosts[organisation.pk] = make_user(organisation, Role.ANALYST, username=f"analyst@{code}.example")
    PlacementLifecycle.cast = {"council": council_officer, "triage": triage_analyst, "hosts": hosts}
    run_state_machine_as_test(PlacementLifecycle, settings=settings(
        max_examples=40, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
