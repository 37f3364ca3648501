"""Background work for compliance (django-tasks, database backend: `crossline db_worker` runs it).

django-tasks has no clock, so `reminders_send` is started by `crossline compliance remind`, from
cron or a systemd timer in production and by the demonstration's own loop (docs/operations.md).
"""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from crossline.compliance.models import Notice


@task()
def reminders_send() -> dict:
    from crossline.compliance.services import reminders_send as send

    run = send()
    return {"today": run.today.isoformat(), "reminders": len(run.sent), "emails": run.emails}


@task()
def notice_email_send(*, notice_id: int) -> None:
    """E-mail one person the notice made for them. Queued in the transaction that made the notice,
    so it goes once the notice exists, and never for a notice that was rolled back."""
    notice = Notice.objects.select_related("recipient_user").get(pk=notice_id)
    person = notice.recipient_user
    if person is None or not person.email or not person.is_active or person.suspended_at is not None:
        return
    send_mail(
        subject=f"Crossline: {notice.title}",
        message=(f"{person.full_name},\n\n{notice.text}\n\nSee your force's return compliance:\n"
                 f"{settings.CROSSLINE_BASE_URL}{notice.link}\n\nYou are sent this because you submit your force's "
                 "national returns, or administer its Crossline accounts.\n"),
        from_email=None,
        recipient_list=[person.email],
    )
