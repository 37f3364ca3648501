"""Background work for tasking (django-tasks, database backend: `crossline db_worker` runs it).

django-tasks has no clock: `tasking_chase` is started by `crossline tasking chase`, from cron or
a systemd timer in production and by the demonstration's loop (scripts/serve-demo.sh).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from crossline.accounts.roles import COORDINATE_TASKING
from crossline.compliance.models import Notice

logger = logging.getLogger("crossline.tasking")


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


@task()
def meeting_pack_build(*, pack_id: int) -> str:
    """Prepare a meeting's PDF pack (3 to 7 seconds of WeasyPrint: too long for a web request).
    Read as the person who asked, exactly as if they had waited for it; runs once per pack, so a
    task run twice does nothing the second time."""
    from crossline.tasking.models import MeetingPack, PackStatus
    from crossline.tasking.pack import pack_build, pack_pdf
    from crossline.tasking.selectors import meetings_visible_to

    with transaction.atomic():
        pack = MeetingPack.objects.select_for_update(of=("self",)).select_related(
            "meeting__region", "requested_by").filter(pk=pack_id, status=PackStatus.QUEUED).first()
        if pack is None:
            return "nothing to do"
        pack.status, pack.started_at = PackStatus.BUILDING, timezone.now()
        pack.save(update_fields=["status", "started_at"])
    person, meeting = pack.requested_by, pack.meeting
    try:
        if not (person.is_active and person.suspended_at is None and person.has_perm(COORDINATE_TASKING)
                and meetings_visible_to(user=person).filter(pk=meeting.pk).exists()):
            raise PermissionError("The person who asked may no longer have this pack.")
        built = pack_build(user=person, region=meeting.region, held_on=meeting.held_on)
        pdf = pack_pdf(built)
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the person is told, not left waiting
        logger.exception("Meeting pack %s could not be prepared", pack.pk)
        pack.status, pack.finished_at = PackStatus.FAILED, timezone.now()
        pack.failure = ("You may no longer have this pack." if isinstance(error, PermissionError)
                        else f"Crossline could not prepare it ({type(error).__name__}).")
        pack.save(update_fields=["status", "finished_at", "failure"])
        return pack.status
    pack.status, pack.finished_at, pack.pdf, pack.filename = PackStatus.READY, timezone.now(), pdf, built.filename
    pack.contents = {
        "lines": sorted({row["entity"] for row in built.top_lines + built.crossover + built.nominations}),
        "taskings": sorted({row["reference"] for row in built.overdue + built.results})}
    pack.save(update_fields=["status", "finished_at", "pdf", "filename", "contents"])
    return pack.status
