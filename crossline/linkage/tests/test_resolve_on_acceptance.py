"""Accepting a return starts its resolution in the background, once the return is committed:
a line another force already reports is one entity without anyone running `crossline resolve`."""

import pytest
from django_tasks_db.models import DBTaskResult

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import EntityMember, LinkRun, RunMode
from crossline.linkage.tasks import resolve_return
from crossline.linkage.tests.support import entity_of, line, person, resolve, submit_return, submitter_for
from crossline.returns.models import SubmissionStatus
from crossline.returns.services import return_submit
from crossline.returns.store import raw_file_read

pytestmark = pytest.mark.django_db


def test_an_accepted_return_is_queued_for_resolution_in_its_own_transaction(django_capture_on_commit_callbacks):
    # Nothing runs after the commit (as if the process died there): the task is queued all the same,
    # because its row was written in the transaction that accepted the return.
    with django_capture_on_commit_callbacks(execute=False):
        national_return = submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "crossline.linkage.tasks.resolve_return"
    assert queued.args_kwargs["kwargs"] == {"national_return_id": national_return.pk}
    assert not LinkRun.objects.exists()  # the worker runs it, not the submission


def test_a_rejected_or_duplicate_return_queues_nothing(django_capture_on_commit_callbacks):
    national_return = submit_return(WEST_YORKSHIRE, "2026-10-31",
                                    people=[person("WY-P-1", "Doe", "Jo", "1990-01-01")])
    user = submitter_for(WEST_YORKSHIRE)
    queued_before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The same return again, and a file that is no return at all: nothing new to resolve.
        duplicate = return_submit(content=raw_file_read(national_return.submission.raw_sha256), filename="again.json", form=None, actor=user,
                                  organisation=user.organisation)
        rejected = return_submit(content=b"{}", filename="broken.json", form=None, actor=user,
                                 organisation=user.organisation)
    assert (duplicate.status, rejected.status) == (SubmissionStatus.DUPLICATE, SubmissionStatus.REJECTED)
    assert callbacks == [] and DBTaskResult.objects.count() == queued_before == 1


def test_the_worker_links_the_new_return_to_what_is_stored(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    resolve()

    with django_capture_on_commit_callbacks(execute=True):
        national_return = submit_return(NORTH_YORKSHIRE, "2026-10-31",
                                        lines=[line("NY/L/77", "Jay line", ["+44 7700 900123"])])

    run = LinkRun.objects.get(mode=RunMode.RETURN)
    assert (run.national_return, run.status) == (national_return, "finished")
    assert entity_of("line", NORTH_YORKSHIRE, "NY/L/77") == entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    assert EntityMember.objects.filter(national_return=national_return).count() == 1
    # ...and the lines are scored again straight after, against that run.
    from crossline.assessment.models import Assessment

    assert Assessment.objects.get().link_run == run


def test_a_return_a_later_full_run_already_resolved_is_not_resolved_again():
    national_return = submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    full = resolve()

    assert resolve_return.call(national_return_id=national_return.pk) == full.pk
    assert not LinkRun.objects.filter(mode=RunMode.RETURN).exists()
