"""Two chase runs at the same moment (two timers, or a timer and the worker) send each chase and
each deconfliction notice once. PostgreSQL only: SQLite serialises writers anyway."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from crossline.compliance.models import Notice
from crossline.tasking import services
from crossline.tasking.chase import tasking_chase
from crossline.tasking.models import DeconflictionNotice, Tasking, TaskingChase

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_send_everything_once(lines, national_coordinator, wy_analyst, west_yorkshire_police):
    services.tasking_create(
        actor=national_coordinator, title="Close JAY", lines=[lines.jay], owners=[west_yorkshire_police],
        objective="close_line", priority="high", due_date=timezone.localdate() + timedelta(days=1),
        instructions="Seize the deal phone and charge the line holder.")
    Tasking.objects.update(due_date=timezone.localdate() - timedelta(days=2))  # freezegun is not thread-safe
    start = threading.Barrier(4)
    failures = []

    def run():
        try:
            start.wait()
            tasking_chase()
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert TaskingChase.objects.count() == 1
    assert Notice.objects.filter(recipient_user=wy_analyst, title__contains="overdue").count() == 1
    pairs = list(DeconflictionNotice.objects.values_list("first_organisation", "second_organisation"))
    assert len(pairs) == len(set(pairs)) == 2  # North Yorkshire (JAY) and Merseyside (the trap house)
