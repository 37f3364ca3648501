"""The tasking pages, as the co-ordinator and the owning force use them, and who may reach them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.conftest import sign_in
from crossline.tasking.models import Tasking, TaskingStatus

pytestmark = pytest.mark.django_db


def _due(days=14):
    day = timezone.localdate() + timedelta(days=days)
    return {"due_date_day": str(day.day), "due_date_month": str(day.month), "due_date_year": str(day.year)}


def _set_on_the_page(client, coordinator, lines, owner):
    sign_in(client, coordinator)
    return client.post(reverse("tasking:create"), {
        "title": "Disrupt JAY", "lines": f"{lines.jay.pk}, {lines.lonely.pk}", "owners": [str(owner.pk)],
        "objective": "disrupt", "priority": "high", **_due(),
        "instructions": "Identify the line holder; safeguard the runners; report weekly."})


def test_a_tasking_is_set_answered_updated_and_completed_on_the_pages(client, lines, national_coordinator, wy_analyst,
                                                                      west_yorkshire_police):
    response = _set_on_the_page(client, national_coordinator, lines, west_yorkshire_police)
    tasking = Tasking.objects.get()
    assert response.status_code == 302 and response.url == reverse("tasking:detail", args=[tasking.reference])

    sign_in(client, wy_analyst)
    page = client.get(reverse("tasking:list")).content.decode()
    assert tasking.reference in page and "Waiting for a response" in page
    detail = client.get(reverse("tasking:detail", args=[tasking.reference])).content.decode()
    assert "has not yet accepted or declined" in detail and "The network: 2 lines" in detail
    client.post(reverse("tasking:respond", args=[tasking.reference]), {"answer": "accept", "reason": ""})
    client.post(reverse("tasking:update", args=[tasking.reference]),
                {"text": "Deal phone attributed; warrant applied for."})
    response = client.post(reverse("tasking:complete", args=[tasking.reference]), {
        "closure_type": "type2", "arrests": "4", "charges": "3", "safeguarding_referrals": "2",
        "nrm_referrals": "1", "summary": "Warrant executed, deal phone seized, two children safeguarded."})
    assert response.status_code == 302
    tasking.refresh_from_db()
    assert tasking.status == TaskingStatus.COMPLETED

    sign_in(client, national_coordinator)
    detail = client.get(reverse("tasking:detail", args=[tasking.reference])).content.decode()
    for words in ("Tasking set", "Accepted", "Deal phone attributed; warrant applied for.",
                  "Type 2: deal number deactivated", "Arrests 4, charges 3"):
        assert words in detail, words
    assert AuditEvent.objects.filter(action="view", object_type="tasking.Tasking").exists()


def test_form_errors_name_the_field_and_set_nothing(client, lines, national_coordinator, west_yorkshire_police):
    sign_in(client, national_coordinator)
    response = client.post(reverse("tasking:create"), {
        "title": "", "lines": "JAY", "owners": [], "objective": "", "priority": "", "due_date_day": "31",
        "due_date_month": "2", "due_date_year": "2027", "instructions": ""})
    page = response.content.decode()
    assert response.status_code == 200
    for anchor in ("#id_title", "#id_lines", "#id_owners", "#id_objective", "#id_priority", "#id_due_date",
                   "#id_instructions"):
        assert f'href="{anchor}"' in page, anchor
    assert "“JAY” is not a line number" in page
    response = client.post(reverse("tasking:create"), {
        "title": "x", "lines": "999999", "owners": [str(west_yorkshire_police.pk)], "objective": "disrupt",
        "priority": "low", **_due(), "instructions": "Instructions long enough to pass."})
    assert "There is no line 999999" in response.content.decode()
    assert not Tasking.objects.exists()


def test_who_may_reach_taskings(client, lines, national_coordinator, wy_analyst, ny_analyst, council_officer,
                                pcc_viewer, outsider, west_yorkshire_police):
    _set_on_the_page(client, national_coordinator, lines, west_yorkshire_police)
    tasking = Tasking.objects.get()
    detail = reverse("tasking:detail", args=[tasking.reference])
    for user, status in ((council_officer, 403), (pcc_viewer, 403), (outsider, 403), (ny_analyst, 404),
                         (wy_analyst, 200), (national_coordinator, 200)):
        sign_in(client, user)
        assert client.get(detail).status_code == status, user
    sign_in(client, wy_analyst)
    assert client.get(reverse("tasking:create")).status_code == 403
    assert client.get(reverse("tasking:meetings")).status_code == 403
    assert client.post(reverse("tasking:cancel", args=[tasking.reference]), {"reason": "x" * 20}).status_code == 403


def test_the_overdue_list(client, lines, national_coordinator, west_yorkshire_police):
    _set_on_the_page(client, national_coordinator, lines, west_yorkshire_police)
    Tasking.objects.update(due_date=timezone.localdate() - timedelta(days=2))
    page = client.get(reverse("tasking:list") + "?show=overdue").content.decode()
    assert "Disrupt JAY" in page and "Overdue" in page


def test_tasking_notices_open_the_tasking(client, lines, national_coordinator, wy_analyst, west_yorkshire_police):
    _set_on_the_page(client, national_coordinator, lines, west_yorkshire_police)
    tasking = Tasking.objects.get()
    sign_in(client, wy_analyst)
    page = client.get(reverse("compliance:notices")).content.decode()
    assert f'href="/tasking/{tasking.reference}">Open it in Tasking' in page
