"""Every tasking API POST needs an Idempotency-Key: a retry with the same key and body is answered as
the first request was and changes nothing; the same key with another body is 422; a key still held
by a request in progress is 409; no key is 400. All answers are problem details."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.core.idempotency import key_lock
from crossline.tasking import services
from crossline.tasking.models import ApiRequest, EventKind, Nomination, OwnerStatus, TaskingEvent
from crossline.tasking.tests.test_tasking_api import RATIONALE, _call, token_for

pytestmark = pytest.mark.django_db
KEY = "5b0c1f8e-2f4a-4d1e-9a57-0c6a1e2b9d33"


@pytest.fixture
def tasking(lines, national_coordinator, west_yorkshire_police):
    return services.tasking_create(
        actor=national_coordinator, title="Disrupt JAY", lines=[lines.jay], owners=[west_yorkshire_police],
        objective="disrupt", priority="high", due_date=timezone.localdate() + timedelta(days=10),
        instructions="Identify the line holder and safeguard the runners.")


@pytest.fixture
def force_token(west_yorkshire_police):
    return token_for(west_yorkshire_police, ["tasking:respond"])


def _base(tasking) -> str:
    return f"/api/v1/tasking/taskings/{tasking.reference}"


def _events(tasking, kind) -> int:
    return TaskingEvent.objects.filter(tasking=tasking, kind=kind).count()


def test_answering_twice_with_one_key_is_one_answer_and_the_same_response(client, tasking, force_token):
    first = _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"}, key=KEY)
    again = _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"}, key=KEY)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert _events(tasking, EventKind.ACCEPTED) == 1 and tasking.owners.get().status == OwnerStatus.ACCEPTED
    # Without the key, the second answer would have been refused as "already answered".
    replayed = AuditEvent.objects.filter(object_type="tasking.Tasking", action="disclose", actor_kind="machine_client")
    assert [event.detail for event in replayed] == [{"api": "taskings_answer", "replayed": True}]


def test_an_update_and_a_completion_sent_twice_are_stored_once(client, tasking, force_token):
    _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"})
    update = {"text": "Warrant granted for Friday."}
    first = _call(client, "post", f"{_base(tasking)}/updates", force_token, update, key="update-1")
    again = _call(client, "post", f"{_base(tasking)}/updates", force_token, update, key="update-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert _events(tasking, EventKind.UPDATE) == 1
    # The same words under a new key are a new update, as a person posting twice means it.
    assert _call(client, "post", f"{_base(tasking)}/updates", force_token, update, key="update-2").status_code == 200
    assert _events(tasking, EventKind.UPDATE) == 2

    outcomes = {"closure_type": "type1", "arrests": 2, "charges": 2, "safeguarding_referrals": 1,
                "nrm_referrals": 1, "summary": "Line holder charged; runner safeguarded."}
    first = _call(client, "post", f"{_base(tasking)}/completion", force_token, outcomes, key="complete-1")
    again = _call(client, "post", f"{_base(tasking)}/completion", force_token, outcomes, key="complete-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["status"] == "completed" and _events(tasking, EventKind.COMPLETED) == 1


def test_a_key_reused_with_another_body_is_refused_and_changes_nothing(client, tasking, force_token, lines,
                                                                       national_coordinator, west_yorkshire_police):
    _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"})
    assert _call(client, "post", f"{_base(tasking)}/updates", force_token, {"text": "Warrant granted for Friday."},
                 key=KEY).status_code == 200
    other = _call(client, "post", f"{_base(tasking)}/updates", force_token, {"text": "Warrant refused by the court."},
                  key=KEY)
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert other.json()["type"] == "urn:crossline:problem:idempotency-key-reused"
    # The same body for another tasking is another request too.
    second = services.tasking_create(
        actor=national_coordinator, title="Disrupt DEX", lines=[lines.dex], owners=[west_yorkshire_police],
        objective="disrupt", priority="low", due_date=timezone.localdate() + timedelta(days=10),
        instructions="Find out who runs the line from the trap house.")
    _call(client, "post", f"{_base(second)}/answer", force_token, {"answer": "accept"})
    elsewhere = _call(client, "post", f"{_base(second)}/updates", force_token, {"text": "Warrant granted for Friday."},
                      key=KEY)
    assert elsewhere.status_code == 422
    assert _events(tasking, EventKind.UPDATE) == 1 and _events(second, EventKind.UPDATE) == 0
    refused = AuditEvent.objects.filter(object_type="tasking.Tasking", detail__refused="idempotency_key_reused")
    assert refused.count() == 2


@pytest.mark.parametrize("path", ["answer", "updates", "completion"])
def test_a_tasking_change_without_a_key_is_refused_with_problem_details(client, tasking, force_token, path):
    response = client.post(f"{_base(tasking)}/{path}", data={"answer": "accept"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {force_token}")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:crossline:problem:idempotency-key-missing" and body["status"] == 400
    assert "Idempotency-Key" in body["title"] and body["detail"]
    assert tasking.owners.get().status == OwnerStatus.AWAITING and not ApiRequest.objects.exists()


def test_a_malformed_key_is_refused(client, tasking, force_token):
    response = _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"}, key="k" * 256)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:crossline:problem:idempotency-key-malformed"
    assert tasking.owners.get().status == OwnerStatus.AWAITING


def test_a_refused_change_does_not_use_up_its_key(client, tasking, force_token):
    short = _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "decline", "reason": "no"},
                  key=KEY)
    assert short.status_code == 400 and "reason" in short.json()["errors"]
    fixed = _call(client, "post", f"{_base(tasking)}/answer", force_token,
                  {"answer": "decline", "reason": "No surveillance team free until next month."}, key=KEY)
    assert fixed.status_code == 200 and tasking.owners.get().status == OwnerStatus.DECLINED


def test_a_nomination_and_its_decision_sent_twice_happen_once(client, lines, west_yorkshire_police, yh_rocu):
    force = token_for(west_yorkshire_police, ["tasking:respond"])
    body = {"line": lines.lonely.pk, "kind": "regional_support", "rationale": RATIONALE}
    first = _call(client, "post", "/api/v1/tasking/nominations", force, body, key=KEY)
    again = _call(client, "post", "/api/v1/tasking/nominations", force, body, key=KEY)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    nomination = Nomination.objects.get()
    assert _call(client, "post", "/api/v1/tasking/nominations", force, body | {"kind": "local_priority"},
                 key=KEY).status_code == 422
    assert Nomination.objects.count() == 1
    assert client.post("/api/v1/tasking/nominations", data=body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {force}").status_code == 400

    rocu = token_for(yh_rocu, ["tasking:coordinate"])
    decision = {"decision": "agree", "reason": "Surveillance team allocated from Monday."}
    url = f"/api/v1/tasking/nominations/{nomination.pk}/decision"
    first = _call(client, "post", url, rocu, decision, key=KEY)  # keys belong to the organisation that sends them
    again = _call(client, "post", url, rocu, decision, key=KEY)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["status"] == "agreed"
    assert AuditEvent.objects.filter(object_type="tasking.Nomination", action="change").count() == 1


@pytest.mark.postgres
def test_a_key_held_by_a_request_in_progress_is_409(client, tasking, force_token, west_yorkshire_police):
    holding, release = threading.Event(), threading.Event()

    def another_request_in_progress():
        try:
            with transaction.atomic():
                assert key_lock("tasking.api", west_yorkshire_police.pk, KEY)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=another_request_in_progress)
    worker.start()
    try:
        assert holding.wait(10)
        response = _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"}, key=KEY)
    finally:
        release.set()
        worker.join()
    assert response.status_code == 409 and response["Retry-After"] == "5"
    assert response.json()["type"] == "urn:crossline:problem:in-flight"
    assert tasking.owners.get().status == OwnerStatus.AWAITING
    # Once it has finished, the key is free.
    assert _call(client, "post", f"{_base(tasking)}/answer", force_token, {"answer": "accept"},
                 key=KEY).status_code == 200


def test_the_schema_documents_the_key_on_every_post(client, west_yorkshire_police):
    token = token_for(west_yorkshire_police, ["tasking:respond"])
    schema = client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")
    import yaml

    document = yaml.safe_load(schema.content)
    posts = {path: item["post"] for path, item in document["paths"].items()
             if path.startswith("/api/v1/tasking/") and "post" in item}
    assert len(posts) == 5
    for path, operation in posts.items():
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is True, path
        assert {"400", "409", "422"} <= set(operation["responses"]), path
        assert "application/problem+json" in operation["responses"]["422"]["content"], path
