"""Test helpers that do to the audit trail what only a database superuser could."""

from contextlib import contextmanager

from django.db import connection

from crossline.audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table


@contextmanager
def triggers_bypassed():
    """Switch the append-only triggers off for a moment, as a superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        triggers = cursor.fetchall()
        assert triggers, "the append-only triggers should exist"
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _, create in triggers:
                cursor.execute(create)


def tamper(pk: int, **changes) -> None:
    with triggers_bypassed():
        assert AuditEvent.objects.filter(pk=pk).update(**changes) == 1


def remove(pk: int) -> None:
    with triggers_bypassed():
        AuditEvent.objects.filter(pk=pk).delete()


def audit_trail_erase_for_tests() -> None:
    """Empty the trail so that a transactional test's closing flush is not refused by the triggers."""
    with triggers_bypassed():
        AuditEvent.objects.all().delete()
