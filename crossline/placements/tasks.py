"""Background tasks (django-tasks): the same work as `crossline placements dispatch|escalate`."""

from django_tasks import task


@task()
def deliveries_dispatch() -> int:
    from crossline.placements import outbox

    return outbox.deliveries_dispatch().delivered


@task()
def placements_escalate() -> int:
    from crossline.placements import escalation

    result = escalation.placements_escalate()
    return len(result.to_supervisors) + len(result.to_duty_desk)
