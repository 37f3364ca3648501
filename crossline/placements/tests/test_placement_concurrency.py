"""Several workers at once (REL-13): each delivery is taken by one worker (SKIP LOCKED) and
delivered once; and two requests with one Idempotency-Key make one notification (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from crossline.placements.models import Delivery, DeliveryStatus, InboxItem, PlacementNotification
from crossline.placements.outbox import deliveries_dispatch
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.services import NotificationInFlight, placement_notify_once
from crossline.placements.tests.conftest import details, notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4
NOTIFICATIONS = 60


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


def test_four_workers_deliver_everything_exactly_once(council_officer):
    for _ in range(NOTIFICATIONS):
        notify(council_officer)
    total = Delivery.objects.count()
    start = threading.Barrier(WORKERS)

    @_in_thread
    def worker(_):
        start.wait()
        return deliveries_dispatch(limit=10).delivered

    with ThreadPoolExecutor(WORKERS) as pool:
        delivered = list(pool.map(worker, range(WORKERS)))

    assert sum(delivered) == total
    assert sum(1 for count in delivered if count) > 1  # the work really was shared
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}  # nobody took one twice
    assert InboxItem.objects.count() == Delivery.objects.filter(channel="in_service").count()
    assert placement_invariant_breaks() == []


def test_a_key_still_being_handled_is_409_and_one_notification_is_made(council_officer):
    assert connection.vendor == "postgresql"
    holding, release = threading.Event(), threading.Event()

    @_in_thread
    def first():
        from django.db import transaction

        with transaction.atomic():
            made = placement_notify_once(idempotency_key="k", request_fingerprint="f", actor=council_officer,
                                         details=details())
            holding.set()
            release.wait(10)  # still inside the transaction: the key is held
            return made

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(first)
        assert holding.wait(10)
        with pytest.raises(NotificationInFlight):
            placement_notify_once(idempotency_key="k", request_fingerprint="f", actor=council_officer,
                                  details=details())
        release.set()
        notification, created = future.result()
    assert created
    again, created_again = placement_notify_once(idempotency_key="k", request_fingerprint="f", actor=council_officer,
                                                 details=details())
    assert (again.pk, created_again) == (notification.pk, False)
    assert PlacementNotification.objects.count() == 1
