"""Background work for intensification weeks (django-tasks, database backend: `crossline
db_worker` runs it). django-tasks has no clock: `crossline intensification remind` enqueues
`reminders_send` from cron or a timer, as `crossline compliance remind` does for returns."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from crossline.compliance.models import Notice


@task()
def reminders_send() -> dict:
    from crossline.intensification.services import results_reminders_send

    sent = results_reminders_send()
    return {"reminders": len(sent), "people": sum(r.recipients for r in sent)}


@task()
def reminder_email_send(*, notice_id: int) -> None:
    """E-mail the person a reminder notice was made for; queued in the notice's own transaction."""
    notice = Notice.objects.select_related("recipient_user").get(pk=notice_id)
    person = notice.recipient_user
    if person is None or not person.email or not person.is_active or person.suspended_at is not None:
        return
    send_mail(
        subject=f"Crossline: {notice.title}",
        message=(f"{person.full_name},\n\n{notice.text}\n\nSend them here:\n{settings.CROSSLINE_BASE_URL}"
                 f"{notice.link}\n\nYou are sent this because you submit your force's national returns, or "
                 "administer its Crossline accounts.\n"),
        from_email=None,
        recipient_list=[person.email],
    )
