"""Background work: resolving a return as soon as it is accepted.

Enqueue from the submission once its transaction has committed (returns/services.py, after the
durable block in `_Attempt.apply` that accepts a return):

    from crossline.linkage.tasks import resolve_return
    transaction.on_commit(lambda: resolve_return.enqueue(national_return_id=national_return.pk))
"""

from django_tasks import task

from crossline.linkage.runs import linkage_resolve_return


@task()
def resolve_return(*, national_return_id: int) -> int:
    """Link a newly accepted return's records into entities; returns the run's id."""
    return linkage_resolve_return(national_return_id=national_return_id).pk
