"""Shared by the storage, submission and ingest tests: fixtures and small helpers.

Import the fixtures a module needs by name (pytest finds them in the module's namespace):

    from crossline.returns.tests.storage_support import raw_store as raw_store
"""

import pytest
from django.db import connection

from crossline.returns.models import (
    Event,
    Line,
    Location,
    NationalReturn,
    Person,
    PhoneNumber,
    RecordLink,
    Submission,
    SubmissionIssue,
    Vehicle,
)
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import as_json, as_xlsx, as_zip, sample_return

FORMS = {"xlsx": as_xlsx, "zip": as_zip, "json": as_json}
RECORD_MODELS = (Line, Person, Location, Vehicle, Event, PhoneNumber, RecordLink)


@pytest.fixture
def committed_db(transactional_db):
    """For tests whose work is seen by other connections or processes: the database really
    commits, so it starts with the reference data loaded and is emptied afterwards (the audit
    trail first, whose triggers would refuse the flush)."""
    from crossline.audit.tests.support import audit_trail_erase_for_tests
    from crossline.organisations.services import organisations_seed_policing
    from crossline.reference.services import refdata_load

    refdata_load()
    organisations_seed_policing()
    yield
    audit_trail_erase_for_tests()


@pytest.fixture
def raw_store(settings, tmp_path):
    """Raw files (and SQLite's idempotency-key locks) go to a folder of the test's own."""
    settings.RAW_FILE_STORE = tmp_path / "raw-files"
    return settings.RAW_FILE_STORE


def postgres_only():
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")


def submit(user, doc: dict | None = None, *, form: str = "xlsx", filename: str | None = None, **kwargs):
    """Submit `doc` (default: the sample return) as `user` would, in the given form."""
    content = FORMS[form](sample_return() if doc is None else doc)
    return return_submit(content=content, filename=filename or f"return.{form}", form=None, actor=user,
                         organisation=user.organisation, **kwargs)


def stored_rows() -> dict[str, int]:
    """How many rows each returns table holds."""
    counts = {model.__name__: model.objects.count() for model in RECORD_MODELS}
    counts["NationalReturn"] = NationalReturn.objects.count()
    return counts


def nothing_stored() -> bool:
    return not any(stored_rows().values())


def issues_of(submission: Submission, severity: str = "error") -> list[SubmissionIssue]:
    return list(submission.issues.filter(severity=severity).order_by("id"))
