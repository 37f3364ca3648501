"""Every page that names a placed child writes exactly one audit record of who read it, with the
purpose (LOG-01), not only the notification's own page: the action pages (acknowledge, not our
area, missing episode, end, route), the confirmation, a draft's delete page and the list of drafts.
And the API: answering a replay with the notification again is a read too."""

import pytest
from django.test import Client
from django.urls import reverse

from crossline.audit.models import AuditEvent
from crossline.placements.models import PlacementDraft, PlacementNotification
from crossline.placements.outbox import OBJECT_TYPE
from crossline.placements.tests.conftest import UNKNOWN_POSTCODE, dispatch, notify
from crossline.placements.tests.test_placement_api import body, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(council_officer, north_yorkshire_council):
    notification = notify(council_officer)
    dispatch()
    return notification


def _events_during(action):
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = action()
    return response, list(AuditEvent.objects.filter(id__gt=before).exclude(action="state_purpose"))


@pytest.mark.parametrize(("person", "page"), [
    ("ny_analyst", "acknowledge"),
    ("ny_analyst", "decline"),
    ("ny_analyst", "missing"),
    ("council_officer", "end"),
    ("council_officer", "confirmation"),
])
def test_each_page_naming_the_child_is_audited_once(request, purpose, sent, person, page):
    client = purpose(request.getfixturevalue(person))
    response, events = _events_during(lambda: client.get(reverse(f"placements:{page}", args=[sent.reference])))
    assert response.status_code == 200
    assert [(event.action, event.object_type) for event in events] == [("view", OBJECT_TYPE)]
    assert str(sent.uuid) in events[0].object_refs and events[0].purpose_code == "placement_notification"


def test_a_form_sent_back_with_mistakes_is_one_view_and_a_good_one_one_change(purpose, sent, ny_analyst):
    client = purpose(ny_analyst)
    url = reverse("placements:acknowledge", args=[sent.reference])
    response, events = _events_during(lambda: client.post(url, {"risk_management_plan": ""}))
    assert response.status_code == 200 and [event.action for event in events] == ["view"]
    response, events = _events_during(lambda: client.post(url, {
        "risk_management_plan": "Flagged", "named_officer": "PC Dale", "named_officer_contact": "0300 000 0001",
        "local_intelligence_checked": "on"}))
    assert response.status_code == 302 and [event.action for event in events] == ["change"]


def test_the_triage_desk_s_route_page_names_the_child_and_address_and_is_audited(purpose, council_officer,
                                                                                 triage_analyst):
    notification = notify(council_officer, postcode=UNKNOWN_POSTCODE)
    dispatch()
    client = purpose(triage_analyst)
    response, events = _events_during(lambda: client.get(reverse("placements:route",
                                                                 args=[notification.reference])))
    assert response.status_code == 200 and "1 Example Road" in response.content.decode()
    assert [(event.action, event.object_refs) for event in events] == [("view", [str(notification.uuid)])]


def _draft_with_a_name(client) -> PlacementDraft:
    client.post(reverse("placements:start"))
    draft = PlacementDraft.objects.get()
    client.post(reverse("placements:question", args=[draft.uuid, "child"]),
                {"child_forenames": "Jay", "child_surname": "Smith", "action": "draft"})
    return draft


def test_a_draft_s_delete_page_asks_the_purpose_and_is_audited(client, purpose, council_officer):
    from crossline.conftest import sign_in

    draft = _draft_with_a_name(purpose(council_officer))
    url = reverse("placements:draft_delete", args=[draft.uuid])
    response, events = _events_during(lambda: client.get(url))
    assert response.status_code == 200 and "Jay Smith" in response.content.decode()
    assert [(event.action, event.object_refs) for event in events] == [("view", [str(draft.uuid)])]

    fresh = sign_in(Client(), council_officer)  # a new session: no purpose stated yet
    response = fresh.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("audit:state_purpose"))


def test_the_list_records_which_drafts_it_showed(purpose, council_officer):
    client = purpose(council_officer)
    draft = _draft_with_a_name(client)
    response, events = _events_during(lambda: client.get(reverse("placements:list")))
    assert "Jay Smith" in response.content.decode()
    assert len(events) == 1 and events[0].detail["drafts"] == [str(draft.uuid)]


def test_an_api_replay_answers_with_the_notification_again_and_is_audited(client, leeds_council,
                                                                          north_yorkshire_police):
    token = token_for(leeds_council)

    def post():
        return client.post("/api/v1/placements/", data=body(), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="replay-1")

    assert post().status_code == 201
    response, events = _events_during(post)
    assert response.status_code == 200 and response["Idempotent-Replayed"] == "true"
    assert [(event.action, event.object_refs, event.detail) for event in events] == [
        ("view", [response.json()["uuid"]], {"api": True, "replayed": True})]


def test_an_api_body_too_large_is_refused_before_it_is_read(client, leeds_council):
    token = token_for(leeds_council)
    padded = body() | {"padding": "x" * (300 * 1024)}
    response = client.post("/api/v1/placements/", data=padded, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="big-1")
    assert response.status_code == 413 and response["Content-Type"].startswith("application/problem+json")
    assert "padding" not in response.content.decode()
    assert not PlacementNotification.objects.exists()
