"""POST /api/v1/returns for a force's machine client (API-02, API-03): bearer token, a JSON body
or an uploaded file, and an Idempotency-Key that makes retries safe."""

import json
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from crossline.accounts.models import MachineClient
from crossline.conftest import sign_in
from crossline.returns import api, services
from crossline.returns.models import NationalReturn, Submission, SubmissionStatus
from crossline.returns.tests.builders import as_json, as_xlsx, sample_return
from crossline.returns.tests.storage_support import nothing_stored, stored_rows
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db
KEY = "5d2c8e0a-1b3f-4c6d-9e7a-8b0c1d2e3f4a"
TOKEN = "cl_test-token-west-yorkshire-records-system"


def machine_client(organisation, scopes=("returns:submit",), token=TOKEN) -> MachineClient:
    return MachineClient.objects.create(organisation=organisation, name="Force RMS", scopes=list(scopes),
                                        token_prefix=token[:10], token_hash=MachineClient.hash_token(token),
                                        expires_at=timezone.now() + timedelta(days=30))


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the rate limit counts in the cache, which outlives a test
    yield
    cache.clear()


@pytest.fixture
def wy_client(west_yorkshire_police):
    return machine_client(west_yorkshire_police)


def post(body: bytes | dict | None = None, *, key: str | None = KEY, token: str = TOKEN, client=None, **extra):
    client = client or Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    if isinstance(body, dict):  # multipart fields
        return client.post(reverse("returns_api:submit"), body, **headers, **extra)
    content = as_json(sample_return()) if body is None else body
    return client.post(reverse("returns_api:submit"), content, content_type=extra.pop("content_type",
                                                                                       "application/json"),
                       **headers, **extra)


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["status"], body["type"]) == (status, f"urn:crossline:problem:{slug}")
    assert body["title"] and body["detail"]
    return body


def test_a_json_return_is_accepted_with_its_version_and_counts(wy_client, raw_store):
    response = post()

    assert response.status_code == 201, response.content
    body = response.json()
    submission = Submission.objects.get()
    assert response["Location"] == reverse("returns_api:submission", args=[submission.pk])
    assert (body["id"], body["status"], body["form"]) == (submission.pk, "accepted", "json")
    assert body["national_return"]["force"] == "E23000010"
    assert body["national_return"]["version"] == 1
    assert body["national_return"]["counts"] == {"lines": 1, "people": 2, "locations": 1, "vehicles": 1,
                                                 "events": 1}
    assert body["errors"] == [] and body["error_count"] == 0
    assert (submission.machine_client, submission.submitted_by) == (wy_client, None)


def test_a_workbook_uploaded_as_a_file_is_accepted(wy_client, raw_store):
    response = post({"file": SimpleUploadedFile("october.xlsx", as_xlsx(sample_return()))})

    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["form"], response.json()["filename"]) == (
        "accepted", "xlsx", "october.xlsx")


def test_a_rejected_return_lists_every_error_located(wy_client, raw_store):
    doc = sample_return()
    doc["people"][0]["roles"] = ["lookout"]

    response = post(as_json(doc))

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["error_count"], body["national_return"]) == ("rejected", 1, None)
    [error] = body["errors"]
    assert {key: error[key] for key in ("sheet", "row", "column", "value", "where")} == {
        "sheet": "people", "row": 2, "column": "roles", "value": "lookout", "where": "people item 1"}
    assert "Use one of: line_holder" in error["message"] and error["code"]
    assert nothing_stored()


def test_a_forces_token_cannot_submit_another_forces_return(wy_client, raw_store):
    doc = sample_return()
    doc["return"]["force"] = "E23000009"

    response = post(as_json(doc))

    body = response.json()
    assert (response.status_code, body["status"]) == (201, "rejected")
    [error] = body["errors"]
    assert (error["sheet"], error["column"], error["value"], error["code"]) == (
        "return", "force", "E23000009", "not_your_force")
    assert nothing_stored()


def test_the_idempotency_key_is_required(wy_client, raw_store):
    response = post(key=None)

    assert_problem(response, 400, "idempotency-key-missing")
    assert not Submission.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_a_malformed_key_is_refused(wy_client, raw_store, key):
    assert_problem(post(key=key), 400, "idempotency-key-malformed")
    assert not Submission.objects.exists()


def test_the_same_key_and_body_get_the_original_answer(wy_client, raw_store):
    first = post()
    rows = stored_rows()

    again = post()

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Location"] == first["Location"]
    assert Submission.objects.count() == 1
    assert stored_rows() == rows


def test_the_same_key_and_a_rejected_body_get_the_original_rejection(wy_client, raw_store):
    doc = sample_return()
    doc["people"][0]["roles"] = ["lookout"]
    first = post(as_json(doc))

    again = post(as_json(doc))

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert Submission.objects.count() == 1


def test_the_same_key_with_a_different_body_is_422_and_changes_nothing(wy_client, raw_store):
    post()
    rows = stored_rows()
    doc = sample_return()
    doc["lines"][0]["line_name"] = "JAYZ"

    response = post(as_json(doc))

    body = assert_problem(response, 422, "idempotency-key-reused")
    assert body["submission"] == Submission.objects.get().pk
    assert stored_rows() == rows


def test_the_same_bytes_sent_as_a_file_instead_are_a_different_request(wy_client, raw_store):
    post()

    response = post({"file": SimpleUploadedFile("return.json", as_json(sample_return()))})

    assert_problem(response, 422, "idempotency-key-reused")


@contextmanager
def key_held_elsewhere(organisation_id: int, key: str):
    """Another process working on the key: a thread of our own holding its lock."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with services._key_lock(organisation_id, key) as held:
                assert held
                taken.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_key_still_in_flight_is_409_then_the_retry_succeeds(wy_client, raw_store):
    with key_held_elsewhere(wy_client.organisation_id, KEY):
        response = post()

    assert_problem(response, 409, "in-flight")
    assert response["Retry-After"]
    assert nothing_stored()
    assert post().json()["status"] == SubmissionStatus.ACCEPTED


def test_no_token_a_bad_token_or_a_session_is_401(wy_client, wy_submitter, raw_store):
    assert_problem(post(token=""), 401, "not-authenticated")
    assert_problem(post(token="cl_not-a-real-token"), 401, "authentication-failed")
    browser = sign_in(Client(enforce_csrf_checks=True), wy_submitter)
    assert_problem(post(token="", client=browser), 401, "not-authenticated")
    assert not Submission.objects.exists()


def test_a_token_without_the_submit_scope_is_403(west_yorkshire_police, raw_store):
    machine_client(west_yorkshire_police, scopes=["returns:read"])

    assert_problem(post(), 403, "permission-denied")
    assert not Submission.objects.exists()


def test_a_council_token_never_submits_returns(leeds_council, raw_store):
    machine_client(leeds_council)

    assert_problem(post(), 403, "permission-denied")


def test_other_media_types_are_415(wy_client, raw_store):
    assert_problem(post(b"force,period", content_type="text/csv"), 415, "unsupported-media-type")


def test_a_multipart_request_without_a_file_is_400(wy_client, raw_store):
    assert_problem(post({"other": "x"}), 400, "file-missing")


def test_a_body_over_the_limit_is_413_and_not_read(wy_client, raw_store, monkeypatch):
    monkeypatch.setattr(api, "MAX_UPLOAD_BYTES", 100)

    assert_problem(post(b"{" + b" " * 200 + b"}"), 413, "too-large")
    assert not Submission.objects.exists()


def test_bursts_are_throttled_with_429(wy_client, raw_store, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"machine-client": "2/min"})

    statuses = [post(key=f"{KEY}-{n}").status_code for n in range(3)]

    assert statuses[:2] == [201, 201]
    response = post(key=f"{KEY}-3")
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_a_submission_can_be_read_back_by_its_own_organisation_only(wy_client, north_yorkshire_police, raw_store):
    created = post()
    url = created["Location"]

    mine = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    machine_client(north_yorkshire_police, scopes=["returns:submit", "returns:read"], token="cl_north-yorkshire")
    theirs = Client().get(url, HTTP_AUTHORIZATION="Bearer cl_north-yorkshire")

    assert (mine.status_code, mine.json()) == (200, created.json())
    assert_problem(theirs, 404, "not-found")


def test_a_later_version_does_not_change_the_first_answer(wy_client, raw_store):
    first = post()
    doc = sample_return()
    doc["lines"][0]["line_name"] = "JAYZ"
    assert post(as_json(doc), key=f"{KEY}-v2").json()["national_return"]["version"] == 2

    assert post().json() == first.json()
    assert NationalReturn.objects.count() == 2


def test_the_openapi_document_describes_the_returns_api(wy_client):
    response = Client().get(reverse("api-schema"), {"format": "json"}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/returns"]["post"]
    assert {"application/json", "multipart/form-data"} == set(operation["requestBody"]["content"])
    [key] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert (key["in"], key["required"]) == ("header", True)
    assert {"201", "400", "401", "403", "409", "413", "415", "422", "429"} <= set(operation["responses"])
    assert "/api/v1/returns/submissions/{id}" in schema["paths"]
    assert schema["components"]["securitySchemes"]["machineClientToken"]["scheme"] == "bearer"


def test_the_openapi_document_generates_without_warnings_and_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_a_json_return_larger_than_djangos_in_memory_limit_is_read_whole(wy_client, raw_store, settings):
    doc = sample_return()
    person = doc["people"][1]
    doc["people"] += [dict(person, person_ref=f"WY-P-{n}", pnc_id=None, notes="x" * 600) for n in range(3, 3003)]
    body = as_json(doc)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = post(body)

    assert response.status_code == 201, response.content
    assert response.json()["national_return"]["counts"]["people"] == 3002
