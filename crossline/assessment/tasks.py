"""Background work: re-scoring every line after a resolution run.

Enqueue once the run has committed (the linkage task wires this in):

    from crossline.assessment.tasks import assess_lines
    transaction.on_commit(lambda: assess_lines.enqueue(link_run_id=run.pk))
"""

from django_tasks import task

from crossline.assessment.models import AssessmentTrigger
from crossline.assessment.services import assess_lines as assess_lines_service
from crossline.linkage.models import LinkRun


@task()
def assess_lines(*, link_run_id: int | None = None, trigger: str = AssessmentTrigger.RESOLUTION) -> int:
    """Score every line and network with the active scoring model; returns the assessment's id."""
    if trigger not in AssessmentTrigger.values:
        raise ValueError(f"Unknown trigger {trigger!r}.")
    link_run = LinkRun.objects.filter(pk=link_run_id).first() if link_run_id is not None else None
    return assess_lines_service(trigger=trigger, link_run=link_run).pk
