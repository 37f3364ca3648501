"""The PDF meeting pack is prepared by the background worker, not in the web request: the co-ordinator
asks, sees that it is being prepared, and downloads it when it is ready. Asking again while it is
being prepared queues nothing new. The pack is its requester's alone, and each download is audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossline.accounts.models import RoleGrant
from crossline.accounts.roles import Role
from crossline.audit.models import AuditEvent
from crossline.conftest import make_user, sign_in
from crossline.organisations.selectors import national_centre
from crossline.tasking import services
from crossline.tasking.models import MeetingPack, PackStatus, TaskingMeeting
from crossline.tasking.pack import pack_build
from crossline.tasking.tasks import meeting_pack_build
from crossline.tasking.tests.conftest import run_queued

pytestmark = pytest.mark.django_db


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=meeting_pack_build.module_path).count()


def _ask_for_a_national_pack(client, day):
    return client.post(reverse("tasking:meetings"), {"region": "national", "held_on_day": day.day,
                                                     "held_on_month": day.month, "held_on_year": day.year})


def test_the_pack_is_prepared_by_the_worker_then_downloaded_and_audited(client, lines, national_coordinator):
    today = timezone.localdate()
    sign_in(client, national_coordinator)
    asked = _ask_for_a_national_pack(client, today)
    pack = MeetingPack.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse("tasking:pack", args=[pack.pk])
    assert (pack.status, pack.pdf, _queued()) == (PackStatus.QUEUED, None, 1)  # nothing built in the request
    waiting = client.get(asked["Location"])
    body = waiting.content.decode()
    assert waiting.status_code == 200 and "Your pack is being prepared" in body
    assert f'href="{reverse("tasking:pack", args=[pack.pk])}"' in body  # a link to look again, no script
    assert client.get(reverse("tasking:pack_download", args=[pack.pk])).status_code == 404  # not ready yet

    # Asking again, from the meetings page, while it is being prepared: the same pack, nothing new queued.
    again = client.post(reverse("tasking:pack_request", args=[pack.meeting_id]))
    assert again["Location"] == reverse("tasking:pack", args=[pack.pk])
    assert MeetingPack.objects.count() == 1 and _queued() == 1

    assert run_queued(meeting_pack_build) == 1
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY and bytes(pack.pdf).startswith(b"%PDF-")
    ready = client.get(reverse("tasking:pack", args=[pack.pk])).content.decode()
    assert "Your pack is ready" in ready and reverse("tasking:pack_download", args=[pack.pk]) in ready
    assert reverse("tasking:pack_download", args=[pack.pk]) in client.get(reverse("tasking:meetings")).content.decode()

    exports_before = AuditEvent.objects.filter(action="export", object_type="tasking.TaskingMeeting").count()
    download = client.get(reverse("tasking:pack_download", args=[pack.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == bytes(pack.pdf)
    assert download["Content-Disposition"] == f'attachment; filename="tasking-pack-national-{today:%Y-%m-%d}.pdf"'
    exported = AuditEvent.objects.filter(action="export", object_type="tasking.TaskingMeeting").order_by("-id")
    assert exported.count() == exports_before + 1
    record = exported.first()
    expected = pack_build(user=national_coordinator, region=None, held_on=today)
    assert record.detail["format"] == "pdf" and record.detail["pack"] == pack.pk
    assert record.detail["lines"] == sorted({row["entity"] for row in expected.crossover + expected.top_lines
                                             + expected.nominations}) != []
    assert record.actor_id == national_coordinator.pk

    # Once it is ready, asking again prepares a fresh one (the figures may have moved on).
    client.post(reverse("tasking:pack_request", args=[pack.meeting_id]))
    assert MeetingPack.objects.count() == 2 and _queued() == 1


def test_a_pack_is_only_its_requesters(client, lines, national_coordinator, yh_coordinator, wy_analyst):
    meeting = services.meeting_create(actor=national_coordinator, region=None, held_on=timezone.localdate())
    pack, created = services.meeting_pack_request(actor=national_coordinator, meeting=meeting)
    assert created
    pack.status, pack.pdf, pack.filename = PackStatus.READY, b"%PDF-1.7 not for others", "pack"
    pack.save()
    colleague = make_user(national_centre(), Role.COORDINATOR, username="nia@nclcc.example", full_name="Nia National")
    for other, status in ((colleague, 404), (yh_coordinator, 404), (wy_analyst, 403)):
        sign_in(client, other)
        for name in ("tasking:pack", "tasking:pack_download"):
            assert client.get(reverse(name, args=[pack.pk])).status_code == status, (other, name)
    assert not AuditEvent.objects.filter(action="export", object_type="tasking.TaskingMeeting").exists()
    # The colleague asks for their own; it does not stand in for the first one's.
    sign_in(client, colleague)
    client.post(reverse("tasking:pack_request", args=[meeting.pk]))
    assert MeetingPack.objects.filter(requested_by=colleague, status=PackStatus.QUEUED).count() == 1
    # A regional co-ordinator cannot ask for a national meeting's pack at all.
    sign_in(client, yh_coordinator)
    assert client.post(reverse("tasking:pack_request", args=[meeting.pk])).status_code == 404
    assert MeetingPack.objects.count() == 2


def test_a_requester_who_lost_the_role_gets_no_pack(client, lines, national_coordinator):
    meeting = services.meeting_create(actor=national_coordinator, region=None, held_on=timezone.localdate())
    pack, _ = services.meeting_pack_request(actor=national_coordinator, meeting=meeting)
    RoleGrant.objects.filter(user=national_coordinator).delete()
    assert run_queued(meeting_pack_build) == 1
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED and pack.pdf is None and "no longer" in pack.failure


def test_a_pack_that_failed_says_so_and_may_be_asked_for_again(client, lines, national_coordinator):
    meeting = services.meeting_create(actor=national_coordinator, region=None, held_on=timezone.localdate())
    pack, _ = services.meeting_pack_request(actor=national_coordinator, meeting=meeting)
    MeetingPack.objects.filter(pk=pack.pk).update(status=PackStatus.FAILED, failure="Crossline could not prepare "
                                                  "it (OSError).")
    sign_in(client, national_coordinator)
    page = client.get(reverse("tasking:pack", args=[pack.pk])).content.decode()
    assert "Your pack could not be prepared" in page and "(OSError)" in page
    assert reverse("tasking:pack_request", args=[meeting.pk]) in page
    client.post(reverse("tasking:pack_request", args=[meeting.pk]))
    assert MeetingPack.objects.filter(status=PackStatus.QUEUED).count() == 1


def test_a_pack_lost_by_a_stopped_worker_is_started_again(lines, national_coordinator):
    meeting = services.meeting_create(actor=national_coordinator, region=None, held_on=timezone.localdate())
    lost, _ = services.meeting_pack_request(actor=national_coordinator, meeting=meeting,
                                           now=timezone.now() - timedelta(minutes=20))
    MeetingPack.objects.filter(pk=lost.pk).update(status=PackStatus.BUILDING)
    fresh, created = services.meeting_pack_request(actor=national_coordinator, meeting=meeting)
    assert created and fresh.pk != lost.pk
    lost.refresh_from_db()
    assert lost.status == PackStatus.FAILED and _queued() == 2
    # The lost one's task, if it ever runs, finds nothing to do: only a queued pack is built.
    assert meeting_pack_build.call(pack_id=lost.pk) == "nothing to do"


def test_a_meeting_made_twice_does_not_ask_twice(client, lines, national_coordinator):
    sign_in(client, national_coordinator)
    day = timezone.localdate() + timedelta(days=7)
    _ask_for_a_national_pack(client, day)
    again = _ask_for_a_national_pack(client, day)  # the same meeting again: the pack already being prepared
    assert again["Location"] == reverse("tasking:pack", args=[MeetingPack.objects.get().pk])
    assert TaskingMeeting.objects.count() == 1 and MeetingPack.objects.count() == 1 and _queued() == 1
