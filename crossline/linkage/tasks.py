"""Background work: resolving a return as soon as it is accepted, then re-scoring the lines and
refreshing the forces' feedback reports.

The submission enqueues this once its transaction has committed (returns/services.py,
`_Attempt.apply`), so a return is linked into crossover without waiting for a full run; the run
enqueues the feedback once its own transaction has committed (runs.py).
"""

from django_tasks import task

from crossline.linkage.feedback import feedback_after_run
from crossline.linkage.models import LinkRun, RunMode, RunStatus
from crossline.linkage.runs import linkage_resolve_return
from crossline.returns.models import NationalReturn


def _covered_by_full_run(national_return_id: int) -> LinkRun | None:
    """A full run that started after the return was accepted has already resolved it: the
    demonstration loads hundreds of returns and then runs once, and a worker catching up
    should not redo that work return by return."""
    accepted_at = NationalReturn.objects.filter(pk=national_return_id).values_list("accepted_at", flat=True).first()
    if accepted_at is None:
        return None
    return LinkRun.objects.filter(mode=RunMode.FULL, status=RunStatus.FINISHED,
                                  started_at__gt=accepted_at).order_by("-started_at").first()


@task()
def resolve_return(*, national_return_id: int) -> int:
    """Link a newly accepted return's records into entities; returns the id of the run that did."""
    covered = _covered_by_full_run(national_return_id)
    if covered is not None:
        return covered.pk
    run = linkage_resolve_return(national_return_id=national_return_id)
    # Harm-first scores follow the resolution: a line that now reaches a child must rise at once.
    # The run has committed, so the scoring task's row (database queue) commits on its own.
    from crossline.assessment.tasks import assess_lines  # assessment builds on linkage, not the reverse

    assess_lines.enqueue(link_run_id=run.pk)
    return run.pk


@task()
def feedback_refresh(*, link_run_id: int) -> int:
    """Each force's feedback report after a run on one return; returns how many were written."""
    run = LinkRun.objects.filter(pk=link_run_id, status=RunStatus.FINISHED).first()
    return feedback_after_run(run=run) if run is not None else 0
