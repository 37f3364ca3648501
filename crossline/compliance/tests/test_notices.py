"""Notices in the service: a person sees their own and their organisation's, and marks them read."""

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.compliance.models import Notice
from crossline.compliance.selectors import notices_unread_count
from crossline.conftest import sign_in

pytestmark = pytest.mark.django_db


def _notice(**recipient):
    return Notice.objects.create(title="Return for October 2026 is overdue", text="Submit it.",
                                 link="/compliance/", created_at=timezone.now(), **recipient)


def test_a_person_sees_their_notices_and_marks_one_read(client, wy_submitter, wy_analyst, west_yorkshire_police):
    mine = _notice(recipient_user=wy_submitter)
    _notice(recipient_organisation=west_yorkshire_police)
    theirs = _notice(recipient_user=wy_analyst)
    assert notices_unread_count(user=wy_submitter) == 2

    sign_in(client, wy_submitter)
    page = client.get(reverse("compliance:notices"))
    assert page.status_code == 200
    assert len(page.context["notices"]) == 2 and theirs not in page.context["notices"]

    assert client.post(reverse("compliance:notice_read", args=[mine.pk])).status_code == 302
    assert notices_unread_count(user=wy_submitter) == 1
    assert client.post(reverse("compliance:notice_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("compliance:notice_read", args=[mine.pk])).status_code == 405


def test_another_organisations_notices_are_not_shown(client, ny_analyst, west_yorkshire_police):
    _notice(recipient_organisation=west_yorkshire_police)
    assert notices_unread_count(user=ny_analyst) == 0
