"""Every API answers its errors the same way: RFC 9457 problem details from crossline.core.problems,
whether the view refused the request itself or DRF did (no token, nothing there)."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import MachineClient
from crossline.core.problems import PROBLEM_CONTENT_TYPE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the rate limit counts in the cache, which outlives a test
    yield
    cache.clear()


def bearer(organisation, scopes) -> dict:
    token = MachineClient.new_token()
    MachineClient.objects.create(organisation=organisation, name="Records system", scopes=list(scopes),
                                 token_prefix=token[:10], token_hash=MachineClient.hash_token(token),
                                 expires_at=timezone.now() + timedelta(days=30))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert (body["type"], body["status"]) == (f"urn:crossline:problem:{slug}", status)
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("url", ["/api/v1/returns", "/api/v1/placements/"])
def test_no_token_is_a_problem_in_both_apis(url):
    assert_problem(Client().post(url, {}, content_type="application/json"), 401, "not-authenticated")


def test_nothing_there_is_a_problem_in_both_apis(west_yorkshire_police, leeds_council):
    missing_submission = Client().get(reverse("returns_api:submission", args=[999_999]),
                                      **bearer(west_yorkshire_police, ["returns:read"]))
    assert_problem(missing_submission, 404, "not-found")
    missing_placement = Client().get(reverse("placements_api:detail", args=["PN-0000-0000"]),
                                     **bearer(leeds_council, ["placements:write"]))
    assert_problem(missing_placement, 404, "not-found")


def test_a_views_own_refusal_is_a_problem_in_both_apis(west_yorkshire_police, leeds_council):
    returns = Client().post("/api/v1/returns", {}, content_type="application/json",
                            **bearer(west_yorkshire_police, ["returns:submit"]))
    assert_problem(returns, 400, "idempotency-key-missing")
    placements = Client().post("/api/v1/placements/", {}, content_type="application/json",
                               **bearer(leeds_council, ["placements:write"]))
    assert_problem(placements, 400, "idempotency-key-missing")


def test_the_schema_documents_problems_under_their_media_type(west_yorkshire_police):
    response = Client().get(reverse("api-schema"), {"format": "json"}, **bearer(west_yorkshire_police, ["returns:read"]))
    paths = json.loads(response.content)["paths"]
    for path, method, code in [("/api/v1/returns", "post", "422"), ("/api/v1/placements/", "post", "422"),
                               ("/api/v1/placements/{reference}", "get", "404")]:
        assert list(paths[path][method]["responses"][code]["content"]) == [PROBLEM_CONTENT_TYPE], (path, code)
