"""The council's journey: question pages (with save as draft), check your answers, confirmation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.placements.models import PlacementDraft, PlacementNotification, Status
from crossline.placements.tests.conftest import AMBIGUOUS_POSTCODE, notify

pytestmark = pytest.mark.django_db


def _date(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def answers(today=None):
    today = today or timezone.localdate()
    return {
        "child": {"child_forenames": "Jay Lee", "child_surname": "Smith", **_date("date_of_birth", today.replace(
            year=today.year - 15)), "gender": "male", "council_child_ref": "LCC-1", "nhs_number": "943 476 5919"},
        "legal-status": {"legal_status": "s20"},
        "risks": {"risks": ["criminal_exploitation", "county_lines"], "risk_summary": "Running for a line."},
        "placement": {"placement_type": "childrens_home", "provider_name": "Dales View Homes",
                      "address": "1 Example Road\nHarrogate", "postcode": "hg12ab", **_date("start_date", today)},
        "contacts": {"social_worker_name": "Sam Worker", "social_worker_phone": "0113 496 0001",
                     "social_worker_email": "sam@leeds.example.gov.uk", "out_of_hours_contact": "Emergency Duty Team",
                     "out_of_hours_phone": "0113 496 0999"},
        "profile": {"profile_description": "Slim, dark hair."},
    }


def start(client) -> PlacementDraft:
    response = client.post(reverse("placements:start"))
    draft = PlacementDraft.objects.get()
    assert response["Location"] == reverse("placements:question", args=[draft.uuid, "child"])
    return draft


def test_a_council_officer_answers_the_questions_checks_and_sends(purpose, council_officer, north_yorkshire_police):
    client = purpose(council_officer)
    draft = start(client)
    url = reverse("placements:question", args=[draft.uuid, "child"])
    page = client.get(url)
    assert page.status_code == 200 and "About the child" in page.content.decode()

    for section, data in answers().items():
        response = client.post(reverse("placements:question", args=[draft.uuid, section]), {**data, "action": "continue"})
        assert response.status_code == 302, (section, response.context["form"].errors if response.context else None)
        url = response["Location"]
    assert url == reverse("placements:check", args=[draft.uuid])

    check = client.get(url)
    text = check.content.decode()
    assert "Check your answers" in text and "HG1 2AB" in text and "943 476 5919" in text
    sent = client.post(url)

    notification = PlacementNotification.objects.get()
    assert sent["Location"] == reverse("placements:confirmation", args=[notification.reference])
    confirmation = client.get(sent["Location"]).content.decode()
    assert notification.reference in confirmation and "North Yorkshire Police" in confirmation
    assert notification.address == "1 Example Road\nHarrogate" and notification.risks == [
        "criminal_exploitation", "county_lines"]
    assert not PlacementDraft.objects.exists()
    assert AuditEvent.objects.filter(object_type="placements.PlacementDraft", action="change").count() == 6


def test_mistakes_are_shown_on_the_page_with_govuk_messages(purpose, council_officer):
    client = purpose(council_officer)
    draft = start(client)
    data = {**answers()["child"], "date_of_birth_month": "", "nhs_number": "943 476 5918", "child_surname": "",
            "action": "continue"}
    response = client.post(reverse("placements:question", args=[draft.uuid, "child"]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Date of birth must include a month" in text
    assert "This is not a valid NHS number" in text
    assert "Enter the child&#x27;s last name" in text
    assert 'href="#id_date_of_birth"' in text and 'id="id_date_of_birth"' in text


def test_save_as_draft_keeps_half_finished_answers_without_complaint(purpose, council_officer):
    client = purpose(council_officer)
    draft = start(client)
    url = reverse("placements:question", args=[draft.uuid, "child"])
    response = client.post(url, {"child_forenames": "Jay", "date_of_birth_day": "1", "action": "draft"})
    assert response["Location"] == reverse("placements:list")
    listed = client.get(reverse("placements:list")).content.decode()
    assert "Jay" in listed and reverse("placements:check", args=[draft.uuid]) in listed

    again = client.get(url).content.decode()
    assert 'value="Jay"' in again and "There is a problem" not in again
    check = client.post(reverse("placements:check", args=[draft.uuid]))
    assert check.status_code == 400 and "Complete the section: About the child" in check.content.decode()
    assert not PlacementNotification.objects.exists()


def test_an_ambiguous_postcode_adds_a_question_about_the_force(purpose, council_officer, north_yorkshire_police):
    client = purpose(council_officer)
    draft = start(client)
    for section, data in answers().items():
        if section == "placement":
            data = {**data, "postcode": AMBIGUOUS_POSTCODE}
        response = client.post(reverse("placements:question", args=[draft.uuid, section]), {**data, "action": "x"})
        if section == "placement":
            assert response["Location"] == reverse("placements:question", args=[draft.uuid, "police-force"])
    force_page = client.get(reverse("placements:question", args=[draft.uuid, "police-force"])).content.decode()
    assert "West Yorkshire Police" in force_page and "North Yorkshire Police" in force_page
    client.post(reverse("placements:question", args=[draft.uuid, "police-force"]), {"host_force": "E23000009"})
    client.post(reverse("placements:check", args=[draft.uuid]))
    notification = PlacementNotification.objects.get()
    assert notification.host_force_organisation == north_yorkshire_police and notification.host_force_confirmed_by_placer


def test_question_pages_ask_for_a_purpose_first_and_are_the_councils_own(client, council_officer, wy_analyst):
    from crossline.conftest import sign_in

    sign_in(client, council_officer)
    draft = start(client)
    url = reverse("placements:question", args=[draft.uuid, "child"])
    assert client.get(url)["Location"].startswith(reverse("audit:state_purpose"))
    sign_in(client, wy_analyst)
    assert client.get(url).status_code == 403


def test_another_councils_draft_is_not_found(purpose, council_officer, host_council_officer):
    draft = start(purpose(council_officer))
    client = purpose(host_council_officer)
    assert client.get(reverse("placements:question", args=[draft.uuid, "child"])).status_code == 404
    assert client.post(reverse("placements:check", args=[draft.uuid])).status_code == 404


def test_a_move_starts_from_the_childs_details_and_ends_the_old_placement(purpose, council_officer,
                                                                         north_yorkshire_police):
    old = notify(council_officer)
    client = purpose(council_officer)
    response = client.post(reverse("placements:move", args=[old.reference]))
    draft = PlacementDraft.objects.get()
    assert response["Location"] == reverse("placements:question", args=[draft.uuid, "placement"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.post(response["Location"], {**answers()["placement"], "postcode": "L8 1AA", **_date("start_date", tomorrow),
                                       "action": "continue"})
    check = client.get(reverse("placements:check", args=[draft.uuid])).content.decode()
    assert "Jay Lee" in check and "Incomplete" not in check
    client.post(reverse("placements:check", args=[draft.uuid]))

    old.refresh_from_db()
    new = PlacementNotification.objects.exclude(pk=old.pk).get()
    assert (old.status, old.ended_on, new.moved_from) == (Status.MOVED, tomorrow, old)
    assert new.host_force.code == "E23000004"  # Merseyside
    assert new.child_name == old.child_name and new.council_child_ref == old.council_child_ref
