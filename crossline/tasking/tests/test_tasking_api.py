"""The tasking API: a force's system reads and answers its taskings and nominates lines; a
co-ordinating unit's system decides nominations. Same services as the pages; problem details."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import MachineClient
from crossline.audit.models import AuditEvent
from crossline.tasking import services
from crossline.tasking.models import Nomination, NominationStatus, OwnerStatus

pytestmark = pytest.mark.django_db
RATIONALE = "A 15-year-old runs this line from Leeds; twice missing this month. We ask for regional support."


def token_for(organisation, scopes) -> str:
    token = MachineClient.new_token()
    MachineClient.objects.create(organisation=organisation, name="Records system", scopes=list(scopes),
                                 token_prefix=token[:10], token_hash=MachineClient.hash_token(token),
                                 expires_at=timezone.now() + timedelta(days=30))
    return token


def _call(client, method, url, token, data=None, key: str | None = None):
    """A call as the client's system makes it: every POST with a new Idempotency-Key unless given one."""
    headers = {"Idempotency-Key": key or str(uuid.uuid4())} if method == "post" else {}
    return getattr(client, method)(url, data=data, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {token}", headers=headers)


@pytest.fixture
def tasking(lines, national_coordinator, west_yorkshire_police):
    return services.tasking_create(
        actor=national_coordinator, title="Disrupt JAY", lines=[lines.jay], owners=[west_yorkshire_police],
        objective="disrupt", priority="high", due_date=timezone.localdate() + timedelta(days=10),
        instructions="Identify the line holder and safeguard the runners.")


def test_a_force_system_answers_updates_and_completes(client, tasking, west_yorkshire_police):
    token = token_for(west_yorkshire_police, ["tasking:respond"])
    listed = _call(client, "get", "/api/v1/tasking/taskings", token)
    assert listed.status_code == 200 and [t["reference"] for t in listed.json()] == [tasking.reference]
    base = f"/api/v1/tasking/taskings/{tasking.reference}"
    bad = _call(client, "post", f"{base}/answer", token, {"answer": "decline", "reason": "no"})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert "reason" in bad.json()["errors"]
    assert _call(client, "post", f"{base}/answer", token, {"answer": "accept"}).status_code == 200
    assert _call(client, "post", f"{base}/updates", token, {"text": "Warrant granted for Friday."}).status_code == 200
    done = _call(client, "post", f"{base}/completion", token, {
        "closure_type": "type1", "arrests": 2, "charges": 2, "safeguarding_referrals": 1, "nrm_referrals": 1,
        "summary": "Line holder charged; runner safeguarded."})
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "completed" and body["owners"][0]["arrests"] == 2
    assert [event["kind"] for event in body["history"]] == ["created", "accepted", "update", "completed"]
    assert tasking.owners.get().status == OwnerStatus.COMPLETED
    assert AuditEvent.objects.filter(actor_kind="machine_client", object_type="tasking.Tasking").count() >= 4


def test_other_forces_and_wrong_scopes_are_refused(client, tasking, north_yorkshire_police, west_yorkshire_police):
    other = token_for(north_yorkshire_police, ["tasking:respond"])
    assert _call(client, "get", f"/api/v1/tasking/taskings/{tasking.reference}", other).status_code == 404
    assert _call(client, "post", f"/api/v1/tasking/taskings/{tasking.reference}/answer", other,
                 {"answer": "accept"}).status_code == 404
    returns_only = token_for(west_yorkshire_police, ["returns:submit"])
    assert _call(client, "get", "/api/v1/tasking/taskings", returns_only).status_code == 403
    assert client.get("/api/v1/tasking/taskings").status_code == 401


def test_nominated_by_a_force_system_and_decided_by_a_rocu_system(client, lines, west_yorkshire_police, yh_rocu,
                                                                  wy_analyst):
    force = token_for(west_yorkshire_police, ["tasking:respond"])
    made = _call(client, "post", "/api/v1/tasking/nominations", force,
                 {"line": lines.lonely.pk, "kind": "regional_support", "rationale": RATIONALE})
    assert made.status_code == 201, made.json()
    nomination = Nomination.objects.get()
    assert nomination.nominated_by is None and nomination.nominated_by_client is not None
    not_ours = _call(client, "post", "/api/v1/tasking/nominations", force,
                     {"line": lines.dex.pk, "kind": "local_priority", "rationale": RATIONALE})
    assert not_ours.status_code == 400 and "line" in not_ours.json()["errors"]
    assert _call(client, "post", f"/api/v1/tasking/nominations/{nomination.pk}/decision", force,
                 {"decision": "agree", "reason": "Agreeing our own nomination"}).status_code == 403

    rocu = token_for(yh_rocu, ["tasking:coordinate"])
    decided = _call(client, "post", f"/api/v1/tasking/nominations/{nomination.pk}/decision", rocu,
                    {"decision": "agree", "reason": "Surveillance team allocated from Monday."})
    assert decided.status_code == 200 and decided.json()["status"] == "agreed"
    read = _call(client, "get", f"/api/v1/tasking/nominations/{nomination.pk}", force).json()
    assert (read["status"], read["decision_reason"], read["decided_by"]) == (
        NominationStatus.AGREED, "Surveillance team allocated from Monday.", yh_rocu.name)


def test_the_schema_documents_the_tasking_api(client, west_yorkshire_police):
    token = token_for(west_yorkshire_police, ["tasking:respond"])
    schema = client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    for operation in ("taskings_list", "taskings_answer", "taskings_complete", "nominations_create",
                      "nominations_decide"):
        assert operation in schema, operation
