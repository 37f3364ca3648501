"""Each force's feedback report follows a run on one return as a task of its own, queued with the
run (its row commits with the run's): the return's records are resolved without waiting for the
reports, and the reports still say what the return changed."""

import pytest
from django_tasks_db.models import DBTaskResult

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import ForceFeedback, RunStatus
from crossline.linkage.runs import linkage_resolve_return
from crossline.linkage.tasks import feedback_refresh
from crossline.linkage.tests.support import entity_of, line, resolve, submit_return

pytestmark = pytest.mark.django_db


def _north_yorkshire_reports_the_jay_line():
    """West Yorkshire's JAY line, resolved; then North Yorkshire's return naming the same number,
    resolved on its own. Returns that run."""
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    resolve()
    national_return = submit_return(NORTH_YORKSHIRE, "2026-10-31",
                                    lines=[line("NY-L-1", "Jay line", ["+447700900123"])])
    return linkage_resolve_return(national_return_id=national_return.pk)


def test_a_return_s_run_finishes_first_and_queues_the_forces_feedback(django_capture_on_commit_callbacks):
    # Nothing runs after the commit (as if the worker process died there): the task is queued all
    # the same, because its row was written in the run's own transaction.
    with django_capture_on_commit_callbacks(execute=False):
        run = _north_yorkshire_reports_the_jay_line()
    assert run.status == RunStatus.FINISHED
    assert not ForceFeedback.objects.filter(run=run).exists()
    queued = DBTaskResult.objects.get(task_path="crossline.linkage.tasks.feedback_refresh")
    assert queued.args_kwargs["kwargs"] == {"link_run_id": run.pk}

    assert feedback_refresh.call(link_run_id=run.pk) == 2  # the worker: one report per force
    line_entity = entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    west = ForceFeedback.objects.get(run=run, force=WEST_YORKSHIRE)
    assert west.items["shared"] == west.items["newly_shared"] == [line_entity]
    assert ForceFeedback.objects.get(run=run, force=NORTH_YORKSHIRE).items["shared"] == [line_entity]
    assert feedback_refresh.call(link_run_id=run.pk) == 0  # a retry writes nothing twice
    assert ForceFeedback.objects.filter(run=run).count() == 2


def test_a_late_feedback_task_does_not_follow_a_newer_report():
    run = _north_yorkshire_reports_the_jay_line()
    full = resolve()  # the worker was slow: a full run has written the reports since

    assert feedback_refresh.call(link_run_id=run.pk) == 0
    assert not ForceFeedback.objects.filter(run=run).exists()
    latest = ForceFeedback.objects.filter(force=WEST_YORKSHIRE).first()
    assert latest.run == full and latest.items["newly_shared"] == [entity_of("line", WEST_YORKSHIRE, "WY-L-1")]
