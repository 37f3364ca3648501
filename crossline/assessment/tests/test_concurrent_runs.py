"""Two scoring runs finishing together (after a resolution and from the command line) both
complete: they write one after the other, and each line keeps exactly one latest score."""

import threading

import pytest
from django.db import connection

from crossline.assessment.models import Assessment, AssessmentStatus, LineAssessment
from crossline.assessment.services import assess_lines, scoring_model_ensure
from crossline.assessment.tests.support import line, person, submit
from crossline.conftest import WEST_YORKSHIRE
from crossline.linkage.tests.support import resolve

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_both_finish_with_one_latest_score_per_line(settings, tmp_path):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    submit(WEST_YORKSHIRE, "2026-10-31", lines=[line(f"WY-L-{n}", f"LINE{n}", [f"07700 9001{n:02d}"]) for n in range(5)],
           people=[person("WY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18",), line_refs=["WY-L-0"])])
    resolve()
    scoring_model_ensure()
    start, failures = threading.Barrier(2), []

    def run():
        try:
            start.wait()
            assess_lines()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert list(Assessment.objects.values_list("status", flat=True)) == [AssessmentStatus.FINISHED] * 2
    assert LineAssessment.objects.filter(is_latest=True).count() == 5
    assert LineAssessment.objects.count() == 10
    second = LineAssessment.objects.filter(is_latest=True)
    assert all(row.previous_score is not None for row in second)  # the later run saw the earlier one
