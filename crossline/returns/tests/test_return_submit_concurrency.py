"""Parallel submissions (REL-03): many retries with one Idempotency-Key apply once; the same
return sent many times at once is stored once. PostgreSQL only: SQLite has one writer anyway."""

import threading

import pytest
from django.db import connection

from crossline.returns.models import NationalReturn, Person, Submission, SubmissionStatus
from crossline.returns.services import SubmissionInFlight, return_submit
from crossline.returns.tests.builders import as_json, sample_return
from crossline.returns.tests.storage_support import committed_db as committed_db
from crossline.returns.tests.storage_support import postgres_only
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = [postgres_only(), pytest.mark.django_db(transaction=True)]
PARALLEL = 8


@pytest.fixture(autouse=True)
def _world(committed_db):
    pass


def _in_parallel(work) -> list:
    start, outcomes = threading.Barrier(PARALLEL), []

    def run():
        try:
            start.wait()
            outcomes.append(work())
        except SubmissionInFlight:
            outcomes.append("in flight")
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_parallel_retries_with_one_key_apply_exactly_once(wy_submitter, raw_store):
    content = as_json(sample_return())

    outcomes = _in_parallel(lambda: return_submit(
        content=content, filename="r.json", form="json", actor=wy_submitter, organisation=wy_submitter.organisation,
        idempotency_key="one-key"))

    finished = [outcome for outcome in outcomes if isinstance(outcome, Submission)]
    assert len(finished) + outcomes.count("in flight") == PARALLEL, outcomes
    assert {submission.pk for submission in finished} == {Submission.objects.get().pk}
    assert NationalReturn.objects.count() == 1
    assert Person.objects.count() == 2


def test_the_same_return_sent_in_parallel_is_stored_once(wy_submitter, raw_store):
    content = as_json(sample_return())

    outcomes = _in_parallel(lambda: return_submit(
        content=content, filename="r.json", form="json", actor=wy_submitter,
        organisation=wy_submitter.organisation).status)

    assert sorted(outcomes) == sorted([SubmissionStatus.ACCEPTED] + [SubmissionStatus.DUPLICATE] * (PARALLEL - 1))
    assert NationalReturn.objects.count() == 1
    assert Person.objects.count() == 2
