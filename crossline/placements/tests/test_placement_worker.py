"""The worker's command and the housekeeping it does: send, escalate, expire old drafts, and
check that nothing is lost."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.placements.drafts import draft_start, drafts_expire
from crossline.placements.models import Delivery, DeliveryStatus, InboxItem, PlacementDraft
from crossline.placements.tests.conftest import notify

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("placements", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_work_sends_what_is_due_and_check_finds_nothing_wrong(council_officer, north_yorkshire_police):
    notify(council_officer)
    assert "delivered 4" in run("work")
    assert InboxItem.objects.filter(recipient=north_yorkshire_police).count() == 1
    assert "every one is held once" in run("check")


def test_check_fails_when_a_notification_has_lost_its_host(council_officer):
    notification = notify(council_officer)
    Delivery.objects.filter(notification=notification, purpose="host_force").update(status=DeliveryStatus.CANCELLED)
    with pytest.raises(SystemExit) as exit_status:
        run("check")
    assert exit_status.value.code == 1


def test_escalate_reports_what_it_escalated(council_officer):
    notification = notify(council_officer, now=timezone.now() - timedelta(hours=25))
    assert f"{notification.reference}: escalated to the host force's supervisors" in run("escalate")
    assert run("escalate") == ""


def test_drafts_are_removed_after_their_lifetime_and_that_is_audited(council_officer):
    old = draft_start(user=council_officer, now=timezone.now() - timedelta(days=31))
    recent = draft_start(user=council_officer, now=timezone.now() - timedelta(days=29))
    assert drafts_expire() == 1
    assert list(PlacementDraft.objects.all()) == [recent]
    assert AuditEvent.objects.filter(action="delete", object_refs__icontains=str(old.uuid)).exists()
