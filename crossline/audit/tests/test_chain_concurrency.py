"""Writers in parallel transactions never fork the chain (PostgreSQL: the advisory lock)."""

import threading

import pytest
from django.db import connection, transaction

from crossline.audit.models import AuditAction, AuditEvent
from crossline.audit.selectors import audit_chain_stream, chain_breaks
from crossline.audit.services import audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 8
RECORDS_EACH = 10


def test_parallel_writers_append_to_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    failures = []

    def write(n):
        try:
            start.wait()
            for i in range(RECORDS_EACH):
                with transaction.atomic():
                    audit_record(action=AuditAction.VIEW, object_refs=[f"{n}-{i}"])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert AuditEvent.objects.count() == WRITERS * RECORDS_EACH
    assert list(chain_breaks(audit_chain_stream())) == []
