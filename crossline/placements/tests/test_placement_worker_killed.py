"""REL-10 with a real process: the worker is killed with SIGKILL after it has filed an inbox item
and before it has recorded the delivery. The next worker delivers everything, and each
recipient still has exactly one item (PostgreSQL; the worker is a separate `crossline` process).

The worker is held at the right moment by the audit trail's chain lock, which recording a
delivery takes (its audit record) and sending does not: the test holds that lock, starts the
worker, waits until the worker has filed an item and is waiting for the lock, then kills it."""

import os
import signal
import subprocess  # noqa: S404 - starts our own command, with fixed arguments
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from crossline.audit.services import AUDIT_CHAIN_LOCK
from crossline.placements.models import Delivery, DeliveryStatus, InboxItem
from crossline.placements.outbox import deliveries_dispatch
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.tests.conftest import notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKER_NAME = "placements-worker-to-kill"


def _dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"


def _wait_for(condition, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def test_a_worker_killed_after_sending_and_before_recording(council_officer, north_yorkshire_police,
                                                            west_yorkshire_police):
    notification = notify(council_officer)
    db = connection.settings_dict
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "crossline.settings",
                   "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
                                   f"?application_name={WORKER_NAME}",
                   "CROSSLINE_VAR_DIR": str(Path(settings.VAR_DIR))}
    crossline = Path(sys.executable).with_name("crossline")

    with psycopg.connect(_dsn(), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [AUDIT_CHAIN_LOCK])
        worker = subprocess.Popen([str(crossline), "placements", "dispatch"], env=environment,  # noqa: S603
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(lambda: InboxItem.objects.filter(notification=notification).exists())

            def waiting_for_the_lock() -> bool:
                row = holder.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()
                return row[0] > 0

            _wait_for(waiting_for_the_lock)
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        # Its server process would notice the dead client only when it next spoke to it; end it now,
        # which rolls back the recording it had begun.
        holder.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                       [WORKER_NAME])
        _wait_for(lambda: not holder.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s",
                                             [WORKER_NAME]).fetchone())
        holder.execute("SELECT pg_advisory_unlock(%s)", [AUDIT_CHAIN_LOCK])

    assert InboxItem.objects.filter(notification=notification).count() == 1  # filed...
    assert not Delivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()  # ... and never recorded

    deliveries_dispatch(now=timezone.now() + timedelta(minutes=5))  # after the dead worker's lease

    assert sorted(InboxItem.objects.values_list("recipient__name", flat=True)) == [
        "North Yorkshire Police", "West Yorkshire Police"]
    assert not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    assert placement_invariant_breaks() == []
