"""Background work for tasking (django-tasks, database backend: `crossline db_worker` runs it).

django-tasks has no clock: `tasking_chase` is started by `crossline tasking chase`, from cron or
a systemd timer in production and by the demonstration's loop (scripts/serve-demo.sh).
"""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from crossline.compliance.models import Notice


@task()
def tasking_chase() -> dict:
    from crossline.tasking.chase import tasking_chase as chase

    run = chase()
    return {"today": run.today.isoformat(), "chased": len(run.chased), "deconflictions": len(run.deconflictions)}


@task()
def tasking_notice_email_send(*, notice_id: int) -> None:
    """E-mail one person the notice made for them: its title and a link, never its text."""
    notice = Notice.objects.select_related("recipient_user").filter(pk=notice_id).first()
    person = notice.recipient_user if notice else None
    if person is None or not person.email or not person.is_active or person.suspended_at is not None:
        return
    send_mail(
        subject=f"Crossline: {notice.title}",
        message=(f"{person.full_name},\n\n{notice.title}.\n\nSign in to Crossline to read it:\n"
                 f"{settings.CROSSLINE_BASE_URL}{notice.link}\n\n"
                 "You are sent this because you work taskings for your organisation in Crossline. "
                 "This e-mail holds no intelligence or personal data. Do not reply to it.\n"),
        from_email=None,
        recipient_list=[person.email],
    )
