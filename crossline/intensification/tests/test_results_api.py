"""POST /api/v1/intensification/weeks/<id>/results: the service the web form calls, behind a
machine client's token and an Idempotency-Key."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import MachineClient
from crossline.intensification.models import WeekResult
from crossline.intensification.tests.support import NORTH_YORKSHIRE, WEST_YORKSHIRE, figures, week_started

pytestmark = pytest.mark.django_db
TOKEN = "cl_test-intensification-west-yorkshire"
KEY = "0b8f6f0e-2f6b-4a53-9d38-8a3f2f4b1c77"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wy_client(west_yorkshire_police):
    return MachineClient.objects.create(organisation=west_yorkshire_police, name="Force RMS",
                                        scopes=["intensification:submit"],
                                        token_prefix=TOKEN[:10], token_hash=MachineClient.hash_token(TOKEN),
                                        expires_at=timezone.now() + timedelta(days=30))


def _post(week, body, *, key=KEY, token=TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(reverse("intensification_api:results", args=[week.pk]), json.dumps(body),
                         content_type="application/json", **headers)


def test_results_are_stored_and_a_retry_gets_the_same_answer(wy_client):
    week = week_started()
    first = _post(week, figures(arrests=3, charges=5, lines_closed_type_1=0))
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["force"], body["version"], body["created"]) == (WEST_YORKSHIRE, 1, True)
    assert [w["field"] for w in body["warnings"]] == ["charges"]
    again = _post(week, figures(arrests=3, charges=5, lines_closed_type_1=0))
    assert again.status_code == 201 and again.json() == body
    assert WeekResult.objects.count() == 1


def test_the_same_key_with_other_figures_is_422_and_changes_nothing(wy_client):
    week = week_started()
    _post(week, figures())
    response = _post(week, figures(arrests=99))
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert WeekResult.objects.get().arrests == 10


def test_errors_name_their_fields_and_nothing_is_stored(wy_client):
    response = _post(week_started(), figures(arrests="many", charges=None, knives=3))
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"knives"}  # unknown names first, alone
    response = _post(week_started(1, name="Another"), figures(arrests="many", charges=None), key="k2")
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {("arrests", "not_a_number"),
                                                                            ("charges", "required")}
    assert not WeekResult.objects.exists()


def test_the_key_is_required(wy_client):
    assert _post(week_started(), figures(), key=None).status_code == 400


def test_a_forces_token_cannot_send_another_forces_results(wy_client):
    response = _post(week_started(), figures(force=NORTH_YORKSHIRE))
    assert response.status_code == 403 and not WeekResult.objects.exists()


@pytest.mark.parametrize("scopes", [["returns:read"], ["returns:submit", "returns:read"]])
def test_a_token_without_the_intensification_scope_is_refused(wy_client, scopes):
    wy_client.scopes = scopes  # a returns system is not, by that, allowed to send a week's results
    wy_client.save(update_fields=["scopes"])
    assert _post(week_started(), figures()).status_code == 403
    assert Client().get(reverse("intensification_api:weeks"),
                        HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 403


def test_the_weeks_are_listed(wy_client):
    week = week_started()
    response = Client().get(reverse("intensification_api:weeks"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and response.json()[0]["id"] == week.pk
