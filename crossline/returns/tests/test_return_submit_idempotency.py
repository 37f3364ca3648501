"""Idempotency-Key semantics (API-03, REL-01, REL-04): a retry with the same key and body gets
the original outcome; the same key with another body is refused; a key still being processed
says so; and a submission whose process died or failed is finished by the retry, exactly once."""

import threading
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from crossline.audit.models import AuditEvent
from crossline.returns import services
from crossline.returns.models import NationalReturn, Submission, SubmissionStatus
from crossline.returns.tests.builders import sample_return
from crossline.returns.tests.storage_support import nothing_stored, stored_rows
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit as submit_in_form

pytestmark = pytest.mark.django_db
KEY = "3f0c6c1e-7d43-4e0c-9a51-2b8f3c5d9e10"


def submit(user, doc=None, **kwargs):
    # JSON, because the same document written as .xlsx twice differs in its timestamps.
    return submit_in_form(user, doc, form="json", **kwargs)


def _other() -> dict:
    doc = sample_return()
    doc["lines"][0]["line_name"] = "JAYZ"
    return doc


def test_a_retry_with_the_same_key_and_body_gets_the_original_submission(wy_submitter, raw_store):
    first = submit(wy_submitter, idempotency_key=KEY)
    rows = stored_rows()

    again = submit(wy_submitter, idempotency_key=KEY)

    assert again == first
    assert again.status == SubmissionStatus.ACCEPTED
    assert Submission.objects.count() == 1
    assert stored_rows() == rows


def test_a_retry_of_a_rejected_submission_gets_the_same_rejection(wy_submitter, raw_store):
    doc = sample_return()
    doc["people"][0]["roles"] = ["lookout"]
    first = submit(wy_submitter, doc, idempotency_key=KEY)

    again = submit(wy_submitter, doc, idempotency_key=KEY)

    assert (again, again.status) == (first, SubmissionStatus.REJECTED)
    assert Submission.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(wy_submitter, raw_store):
    first = submit(wy_submitter, idempotency_key=KEY)
    rows = stored_rows()

    with pytest.raises(services.IdempotencyConflict) as refused:
        submit(wy_submitter, _other(), idempotency_key=KEY)

    assert refused.value.submission == first
    assert stored_rows() == rows
    assert Submission.objects.count() == 1
    assert AuditEvent.objects.filter(detail__refused="idempotency_key_reused").count() == 1


def test_a_key_is_the_organisations_own(wy_submitter, ny_analyst, raw_store):
    submit(wy_submitter, idempotency_key=KEY)
    from crossline.accounts.models import RoleGrant

    RoleGrant.objects.create(user=ny_analyst, role="submitter")
    ny_submitter = type(ny_analyst).objects.get(pk=ny_analyst.pk)
    doc = sample_return()
    doc["return"]["force"] = "E23000009"

    assert submit(ny_submitter, doc, idempotency_key=KEY).status == SubmissionStatus.ACCEPTED


@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"])
def test_a_malformed_key_is_refused(wy_submitter, raw_store, key):
    with pytest.raises(ValidationError):
        submit(wy_submitter, idempotency_key=key)
    assert not Submission.objects.exists()


@contextmanager
def _key_held_elsewhere(organisation_id: int, key: str):
    """Another process working on the key: a thread of our own holding its lock."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with services._key_lock(organisation_id, key) as held:
                assert held
                taken.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_key_still_being_processed_says_so(wy_submitter, raw_store):
    with _key_held_elsewhere(wy_submitter.organisation_id, KEY), pytest.raises(services.SubmissionInFlight):
        submit(wy_submitter, idempotency_key=KEY)
    assert nothing_stored()

    assert submit(wy_submitter, idempotency_key=KEY).status == SubmissionStatus.ACCEPTED  # once it has finished


def test_a_submission_whose_process_died_is_finished_by_the_retry(wy_submitter, raw_store, monkeypatch):
    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as abrupt as an exception gets: nothing in our code catches it

    with monkeypatch.context() as patch:
        patch.setattr(services, "write_rows", killed)
        with pytest.raises(KeyboardInterrupt):
            submit(wy_submitter, idempotency_key=KEY)
    orphan = Submission.objects.get()
    assert orphan.status == SubmissionStatus.RECEIVED
    assert not NationalReturn.objects.exists()

    retried = submit(wy_submitter, idempotency_key=KEY)

    assert (retried.pk, retried.status) == (orphan.pk, SubmissionStatus.ACCEPTED)
    assert NationalReturn.objects.count() == 1
    assert submit(wy_submitter, idempotency_key=KEY).pk == orphan.pk  # and once only


def test_a_platform_failure_stores_nothing_and_the_retry_succeeds(wy_submitter, raw_store, monkeypatch):
    real = services.write_rows
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # part-way through the records
            raise OperationalError("canceling statement due to lock timeout")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "write_rows", flaky)
    with pytest.raises(OperationalError):
        submit(wy_submitter, idempotency_key=KEY)
    failed = Submission.objects.get()
    assert (failed.status, failed.failure) == (SubmissionStatus.FAILED, "OperationalError")
    assert nothing_stored()

    retried = submit(wy_submitter, idempotency_key=KEY)

    assert (retried.pk, retried.status, retried.failure) == (failed.pk, SubmissionStatus.ACCEPTED, "")
    assert stored_rows()["Person"] == 2
