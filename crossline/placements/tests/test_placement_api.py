"""The API for a council's case system: make a notification with an Idempotency-Key (same key and
body: the first answer; another body: 422; none: 400), and read what became of it."""

import copy
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import MachineClient
from crossline.audit.models import AuditEvent
from crossline.placements.models import PlacementNotification

pytestmark = pytest.mark.django_db
URL = "/api/v1/placements/"


def token_for(organisation, scopes=("placements:write",)) -> str:
    token = MachineClient.new_token()
    MachineClient.objects.create(organisation=organisation, name="Case system", scopes=list(scopes),
                                 token_prefix=token[:10], token_hash=MachineClient.hash_token(token),
                                 expires_at=timezone.now() + timedelta(days=30))
    return token


def body() -> dict:
    today = timezone.localdate()
    return {
        "child": {"forenames": "Jay Lee", "surname": "Smith", "date_of_birth": str(today.replace(year=today.year - 15)),
                  "gender": "male", "council_reference": "LCC-1", "nhs_number": "9434765919"},
        "legal_status": "s31",
        "risks": {"criminal_exploitation": True, "county_lines": True, "summary": "Running for a line."},
        "placement": {"type": "childrens_home", "provider": "Dales View Homes", "address": "1 Example Road, Harrogate",
                      "postcode": "HG1 2AB", "start_date": str(today)},
        "contacts": {"social_worker": {"name": "Sam Worker", "phone": "0113 496 0001",
                                       "email": "sam@leeds.example.gov.uk"},
                     "out_of_hours": {"name": "Emergency Duty Team", "phone": "0113 496 0999"}},
        "profile": {"description": "Slim, dark hair."},
    }


@pytest.fixture
def api(client, leeds_council):
    token = token_for(leeds_council)

    def call(method, url=URL, data=None, key="key-1", **headers):
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return getattr(client, method)(url, data=data, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {token}", **headers)

    return call


def test_a_case_system_makes_a_notification_and_reads_what_became_of_it(api, north_yorkshire_police):
    response = api("post", data=body())
    assert response.status_code == 201, response.json()
    made = response.json()
    notification = PlacementNotification.objects.get()
    assert made["reference"] == notification.reference
    assert made["routing"]["host_force"] == {"code": "E23000009", "name": "North Yorkshire Police"}
    assert made["routing"]["in_triage"] is False and made["acknowledgement"] is None
    assert "Jay" not in response.content.decode()  # the council has the child's details; they are not echoed
    assert notification.machine_client.name == "Case system" and notification.created_by is None
    assert notification.risks == ["criminal_exploitation", "county_lines"]
    assert response["Location"] == reverse("placements_api:detail", args=[notification.reference])

    read = api("get", url=response["Location"], key=None)
    assert read.status_code == 200 and read.json()["status"] == "awaiting_acknowledgement"
    assert AuditEvent.objects.filter(action="view", actor_kind="machine_client").count() == 1


def test_the_same_key_and_body_give_the_first_answer(api):
    first = api("post", data=body())
    reordered = dict(reversed(list(body().items())))  # the same JSON in another key order
    again = api("post", data=reordered)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert PlacementNotification.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_nothing_changes(api):
    api("post", data=body())
    changed = body()
    changed["placement"]["postcode"] = "LS1 4AP"
    response = api("post", data=changed)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert PlacementNotification.objects.count() == 1
    assert AuditEvent.objects.filter(detail__refused="idempotency_key_reused").count() == 1


def test_no_key_is_400(api):
    response = api("post", data=body(), key=None)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert not PlacementNotification.objects.exists()


def test_bad_fields_are_400_each_named_by_its_path_and_nothing_is_made(api):
    bad = copy.deepcopy(body())
    bad["child"]["nhs_number"] = "9434765918"
    bad["placement"]["postcode"] = "nowhere"
    del bad["profile"]["description"]
    response = api("post", data=bad)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"profile.description"}  # the shape is checked first
    bad["profile"]["description"] = "Slim."
    errors = api("post", data=bad).json()["errors"]
    assert set(errors) == {"child.nhs_number", "placement.postcode"}
    assert not PlacementNotification.objects.exists()
    assert api("post", data=body()).status_code == 201  # the same key works once the body is right


def test_fields_the_api_does_not_know_are_refused(api):
    sneaky = body()
    sneaky["placing_council"] = 1
    sneaky["child"]["is_verified"] = True
    response = api("post", data=sneaky)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"placing_council", "child.is_verified"}


def test_another_councils_notification_is_not_found(api, client, north_yorkshire_council):
    made = api("post", data=body()).json()
    other = token_for(north_yorkshire_council)
    response = client.get(reverse("placements_api:detail", args=[made["reference"]]),
                          HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 404


def test_only_a_council_client_with_the_scope_may_call(client, leeds_council, west_yorkshire_police):
    read_only = token_for(leeds_council, scopes=("placements:read",))
    police = token_for(west_yorkshire_police)
    for token in (read_only, police):
        response = client.post(URL, data=body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 403
    assert client.post(URL, data=body(), content_type="application/json").status_code == 401


def test_the_schema_documents_the_placements_api(client, leeds_council):
    token = token_for(leeds_council)
    schema = client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    assert "/api/v1/placements/" in schema and "Idempotency-Key" in schema and "placements_create" in schema
