"""Who may read a notification (AC-02): the placing council, the host force, the home force, the
host council and the desks it was sent to. Anyone else gets 404; a PCC office gets figures only.
Each read of a child's details writes one audit record."""

import pytest
from django.urls import reverse

from crossline.audit.models import AuditEvent
from crossline.placements.tests.conftest import UNKNOWN_POSTCODE, dispatch, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(council_officer, north_yorkshire_council):
    notification = notify(council_officer)
    dispatch()
    return notification


@pytest.mark.parametrize(("person", "status"), [
    ("council_officer", 200),  # the placing council
    ("ny_analyst", 200),  # the host force
    ("wy_analyst", 200),  # the home force
    ("host_council_officer", 200),  # the host council
    ("triage_analyst", 404),  # not in triage, not escalated: the national desk has no need
    ("nhs_lead", 404),
    ("ny_admin", 403),  # an admin's role reads no personal data
    ("pcc_viewer", 403),
    ("outsider", 403),
])
def test_who_may_read_a_notification(request, purpose, sent, person, status):
    client = purpose(request.getfixturevalue(person))
    assert client.get(reverse("placements:detail", args=[sent.reference])).status_code == status


def test_each_read_is_audited_once_with_the_purpose(purpose, sent, ny_analyst):
    before = AuditEvent.objects.count()
    page = purpose(ny_analyst).get(reverse("placements:detail", args=[sent.reference]))
    assert page.status_code == 200 and "Jay Lee Smith" in page.content.decode()
    views = AuditEvent.objects.filter(pk__gt=0).order_by("-id")[: AuditEvent.objects.count() - before]
    read = [event for event in views if event.action == "view"]
    assert len(read) == 1
    assert read[0].purpose_code == "placement_notification" and str(sent.uuid) in read[0].object_refs
    assert page["Cache-Control"] == "no-store"


def test_opening_it_is_on_the_timeline_once(purpose, sent, ny_analyst):
    client = purpose(ny_analyst)
    client.get(reverse("placements:detail", args=[sent.reference]))
    client.get(reverse("placements:detail", args=[sent.reference]))
    assert sent.timeline.filter(title="Opened by North Yorkshire Police").count() == 1


def test_only_the_host_force_gets_the_acknowledge_page(purpose, sent, ny_analyst, wy_analyst):
    url = reverse("placements:acknowledge", args=[sent.reference])
    assert purpose(wy_analyst).get(url).status_code == 404
    client = purpose(ny_analyst)
    assert client.get(url).status_code == 200
    response = client.post(url, {"risk_management_plan": "Flagged", "named_officer": "PC Dale",
                                 "named_officer_contact": "0300 000 0001", "local_intelligence_checked": "on"})
    assert response["Location"] == reverse("placements:detail", args=[sent.reference])
    sent.refresh_from_db()
    assert sent.acknowledgement.local_intelligence_checked and sent.status == "acknowledged"


def test_the_triage_desk_reads_and_routes_what_it_holds(purpose, council_officer, triage_analyst,
                                                         north_yorkshire_police):
    notification = notify(council_officer, postcode=UNKNOWN_POSTCODE)
    dispatch()
    client = purpose(triage_analyst)
    assert "Triage: find the police force" in client.get(reverse("placements:list")).content.decode()
    assert client.get(reverse("placements:detail", args=[notification.reference])).status_code == 200
    response = client.post(reverse("placements:route", args=[notification.reference]), {"force": "E23000009"})
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.host_force_organisation == north_yorkshire_police
    dispatch()
    # Routed on, it is no longer the desk's to read.
    assert client.get(reverse("placements:detail", args=[notification.reference])).status_code == 404


def test_a_pcc_office_sees_figures_and_no_child(client, purpose, sent, pcc_viewer, ny_analyst):
    page = purpose(pcc_viewer).get(reverse("placements:figures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "North Yorkshire Police" in text and "Leeds City Council" in text
    assert "Smith" not in text and sent.reference not in text
    assert purpose(ny_analyst).get(reverse("placements:figures")).status_code == 403


def test_the_council_records_an_end_and_the_police_are_told(purpose, sent, council_officer, north_yorkshire_police):
    from django.utils import timezone

    today = timezone.localdate()
    client = purpose(council_officer)
    response = client.post(reverse("placements:end", args=[sent.reference]), {
        "ended_on_day": today.day, "ended_on_month": today.month, "ended_on_year": today.year,
        "reason": "Returned home to family"})
    assert response.status_code == 302
    dispatch()
    assert north_yorkshire_police.placement_inbox.filter(purpose="placement_ended").count() == 1
    sent.refresh_from_db()
    assert sent.status == "ended"


def test_the_host_force_records_missing_episodes_and_repeats_are_flagged_to_the_council(
        purpose, sent, ny_analyst, leeds_council):
    from datetime import timedelta

    from django.utils import timezone

    client = purpose(ny_analyst)
    for days in (3, 2, 1):
        when = timezone.localtime() - timedelta(days=days)
        response = client.post(reverse("placements:missing", args=[sent.reference]), {
            "went_missing_on_day": when.day, "went_missing_on_month": when.month, "went_missing_on_year": when.year,
            "went_missing_time": when.strftime("%H:%M"), "police_reference": f"NYP-{days}"})
        assert response.status_code == 302, response.context["form"].errors
    dispatch()
    assert sent.missing_episodes.count() == 3
    flags = leeds_council.placement_inbox.filter(purpose="repeat_missing")
    assert flags.count() == 1
    assert sent.timeline.filter(title="Repeated missing episodes flagged to Leeds City Council").count() == 1


def test_navigation_offers_placements_by_role(purpose, council_officer, ny_analyst, pcc_viewer):
    home = purpose(council_officer).get(reverse("core:home")).content.decode()
    assert "Tell the police when you place a child" in home
    home = purpose(ny_analyst).get(reverse("core:home")).content.decode()
    assert "Children placed in your area" in home
    home = purpose(pcc_viewer).get(reverse("core:home")).content.decode()
    assert "Placement figures" in home and "Children placed in your area" not in home
