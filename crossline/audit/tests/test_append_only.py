"""The database itself refuses to change or remove audit records (LOG-02)."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from crossline.audit.models import AuditAction, AuditEvent
from crossline.audit.services import audit_record
from crossline.audit.tests.support import TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit_record(action=AuditAction.VIEW, object_type="returns.Person", object_refs=["7"])


def test_an_update_through_the_application_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose_text="edited")
    assert AuditEvent.objects.get(pk=event.pk).purpose_text == ""


def test_a_delete_through_the_application_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
def test_truncate_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")  # noqa: S608 - constant table name
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
def test_the_app_role_may_append_and_read_but_not_update_delete_or_truncate(event):
    role = f"crossline_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("audit", "grant-app-role", role, stdout=io.StringIO())

    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        try:
            appended = audit_record(action=AuditAction.SEARCH, object_type="returns.Person")
            assert appended.prev_hash == event.row_hash
            for statement in (f"UPDATE {TABLE} SET purpose_text = 'x'",  # noqa: S608 - constants
                              f"DELETE FROM {TABLE}",  # noqa: S608
                              f"TRUNCATE {TABLE}"):
                with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")


@pytest.mark.postgres
def test_grant_app_role_refuses_an_unknown_role():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no database role"):
        call_command("audit", "grant-app-role", f"nobody_{uuid.uuid4().hex[:8]}", stdout=io.StringIO())


def test_a_superusers_direct_edit_is_named_by_verify():
    events = [audit_record(action=AuditAction.EXPORT, detail={"rows": n}) for n in range(3)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(f"UPDATE {TABLE} SET detail = %s WHERE id = %s",  # noqa: S608 - constant table name
                           ['{"rows": 0}', events[1].pk])
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                           ["audit_auditevent_no_update"])
            name, create = cursor.fetchone()
            cursor.execute(f'DROP TRIGGER "{name}"')
            cursor.execute(f"UPDATE {TABLE} SET detail = %s WHERE id = %s",  # noqa: S608 - constant table name
                           ['{"rows": 0}', events[1].pk])
            cursor.execute(create)

    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify", stdout=out, stderr=io.StringIO())

    assert exited.value.code == 1
    assert f"Record {events[1].pk}: row changed" in out.getvalue()
    # ...and the triggers are back: the same edit through the application is refused again.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[1].pk).update(detail={})


def test_grant_app_role_is_postgresql_only():
    from django.core.management.base import CommandError

    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("audit", "grant-app-role", "crossline_app")
