"""The outbox: a notification never commits without what it must send, sending survives a worker
that dies at any point, and e-mails say nothing about the child."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.placements.models import Delivery, DeliveryChannel, DeliveryStatus, InboxItem, Purpose
from crossline.placements.outbox import deliveries_claim, delivery_send, retry_delay
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.tests.conftest import dispatch, notify

pytestmark = pytest.mark.django_db


def test_a_notification_commits_with_its_outbox_and_a_later_worker_sends_it(council_officer, north_yorkshire_police):
    """REL-09: the process dies after commit, before any dispatch; the next worker delivers."""
    notification = notify(council_officer)
    pending = Delivery.objects.filter(notification=notification, status=DeliveryStatus.PENDING)
    assert set(pending.values_list("purpose", "channel")) == {
        (Purpose.HOST_FORCE, DeliveryChannel.IN_SERVICE), (Purpose.HOST_FORCE, DeliveryChannel.EMAIL),
        (Purpose.HOME_FORCE, DeliveryChannel.IN_SERVICE), (Purpose.HOME_FORCE, DeliveryChannel.EMAIL),
    }
    assert placement_invariant_breaks() == []  # held, though not yet delivered

    result = dispatch()

    assert result.delivered == 4
    assert InboxItem.objects.get(recipient=north_yorkshire_police).notification == notification


def test_a_worker_killed_between_sending_and_recording_still_gives_one_item_per_recipient(council_officer):
    """REL-10: every delivery is sent, none recorded (the worker dies), then a new worker runs."""
    notify(council_officer)
    later = timezone.now() + timedelta(minutes=5)
    for delivery in deliveries_claim():
        delivery_send(delivery)  # the item is filed ... and the worker dies before recording it
    assert InboxItem.objects.count() == 2
    assert not Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()

    dispatch(now=later)  # the claim's lease has run out: another worker takes them again

    assert InboxItem.objects.count() == 2
    assert sorted(InboxItem.objects.values_list("recipient__name", flat=True)) == [
        "North Yorkshire Police", "West Yorkshire Police"]
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    assert placement_invariant_breaks() == []


def test_a_claimed_delivery_is_not_taken_by_another_worker_until_its_lease_ends(council_officer):
    notify(council_officer)
    first = deliveries_claim()
    assert len(first) == 4
    assert deliveries_claim() == []  # the first worker holds them
    assert len(deliveries_claim(now=timezone.now() + retry_delay(1) + timedelta(seconds=1))) == 4


def test_a_failing_delivery_is_retried_with_back_off_then_given_up(council_officer, ny_analyst, wy_analyst, settings):
    settings.PLACEMENT_DELIVERY_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "crossline.placements.tests.failing_mail.Backend"
    notification = notify(council_officer)
    now = timezone.now()

    first = dispatch(now=now)
    assert (first.delivered, first.retrying) == (2, 2)  # the inbox items went; the e-mails did not
    email = Delivery.objects.filter(channel=DeliveryChannel.EMAIL)
    assert set(email.values_list("status", "attempts", "last_error")) == {("pending", 1, "SMTPServerDisconnected")}
    assert dispatch(now=now + timedelta(seconds=30)).retrying == 0  # not due yet: 1 minute back-off
    assert dispatch(now=now + timedelta(minutes=1)).retrying == 2
    third = dispatch(now=now + timedelta(minutes=4))
    assert third.failed == 2
    assert set(email.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert notification.timeline.filter(title="Could not be sent to North Yorkshire Police").exists()


def test_emails_go_to_the_people_who_act_and_say_nothing_about_the_child(
        council_officer, ny_analyst, ny_admin, north_yorkshire_police):
    make_user(north_yorkshire_police, Role.SUBMITTER, username="submitter@nyp.example")
    notification = notify(council_officer)
    dispatch()

    to_north_yorkshire = [message for message in mail.outbox if message.to[0].endswith("north-yorkshire-police.example")]
    assert [message.to for message in to_north_yorkshire] == [[ny_analyst.email]]  # not the admin, not the submitter
    for message in mail.outbox:
        body = message.subject + message.body
        assert notification.reference in body
        for personal in ("Jay", "Smith", "Harrogate", "HG1", "Dales View", "LCC-000123", "9434765919"):
            assert personal not in body


def test_an_item_is_received_when_the_worker_files_it_by_its_clock(council_officer, north_yorkshire_police):
    """The worker's clock, like escalation's, is injectable: a backlog sent after an outage, or the
    demonstration's placements made days ago, are received when the worker says."""
    made = timezone.now() - timedelta(days=2)
    notify(council_officer, now=made)
    dispatch(now=made + timedelta(minutes=1))
    assert InboxItem.objects.get(recipient=north_yorkshire_police).received_at == made + timedelta(minutes=1)
