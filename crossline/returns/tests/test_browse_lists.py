"""The returns and submissions lists: a force sees its own, newest first; national users see
every force's and can filter by force, period and outcome."""

import pytest
from django.urls import reverse

from crossline.accounts.roles import Role
from crossline.conftest import make_user, sign_in
from crossline.returns.models import SubmissionStatus
from crossline.returns.tests.builders import sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit

pytestmark = pytest.mark.django_db


def for_period(force: str, month: int, *, bad: bool = False) -> dict:
    doc = sample_return()
    doc["return"].update(force=force, period_start=f"2026-{month:02d}-01", period_end=f"2026-{month:02d}-28")
    doc["events"][0]["date"] = f"2026-{month:02d}-15"
    if bad:
        doc["people"][0]["roles"] = ["lookout"]
    return doc


@pytest.fixture
def ny_submitter(north_yorkshire_police):
    return make_user(north_yorkshire_police, Role.SUBMITTER, full_name="Nora Submitter")


@pytest.fixture
def history(wy_submitter, ny_submitter, raw_store):
    """West Yorkshire: September, then October twice (version 2) and a rejected attempt;
    North Yorkshire: October."""
    made = {
        "wy_september": submit(wy_submitter, for_period("E23000010", 9), form="json"),
        "wy_october": submit(wy_submitter, for_period("E23000010", 10), form="json"),
        "wy_rejected": submit(wy_submitter, for_period("E23000010", 10, bad=True), form="json"),
    }
    doc = for_period("E23000010", 10)
    doc["lines"][0]["line_name"] = "JAYZ"
    made["wy_october_v2"] = submit(wy_submitter, doc, form="json")
    made["ny_october"] = submit(ny_submitter, for_period("E23000009", 10), form="json")
    assert made["wy_october_v2"].national_return.version == 2
    return made


def shown(response) -> list:
    return list(response.context["page"].object_list)


def test_a_force_sees_its_own_current_returns_newest_period_first(client, wy_analyst, history):
    sign_in(client, wy_analyst)

    returns = shown(client.get(reverse("returns:list")))

    assert [(r.force_id, r.period_start.month, r.version) for r in returns] == [
        ("E23000010", 10, 2), ("E23000010", 9, 1)]


def test_a_force_sees_its_own_submissions_rejected_included_newest_first(client, wy_analyst, history):
    sign_in(client, wy_analyst)

    submissions = shown(client.get(reverse("returns:submissions")))

    assert submissions == [history["wy_october_v2"], history["wy_rejected"], history["wy_october"],
                           history["wy_september"]]


def test_national_users_see_every_force_and_filter_by_force_period_and_outcome(client, national_coordinator,
                                                                               history):
    sign_in(client, national_coordinator)

    everything = client.get(reverse("returns:submissions"))
    north = client.get(reverse("returns:submissions"), {"force": "E23000009"})
    rejected = client.get(reverse("returns:submissions"), {"status": SubmissionStatus.REJECTED})
    september = client.get(reverse("returns:list"), {"period": "2026-09-01_2026-09-28"})

    assert len(shown(everything)) == 5
    assert "force" in everything.context["form"].fields
    assert shown(north) == [history["ny_october"]]
    assert shown(rejected) == [history["wy_rejected"]]
    assert shown(september) == [history["wy_september"].national_return]
    assert [r.force_id for r in shown(client.get(reverse("returns:list")))] == ["E23000009", "E23000010",
                                                                                "E23000010"]


def test_a_force_user_is_not_offered_other_forces(client, wy_analyst, history):
    sign_in(client, wy_analyst)

    response = client.get(reverse("returns:list"), {"force": "E23000009"})

    assert "force" not in response.context["form"].fields
    assert {r.force_id for r in shown(response)} == {"E23000010"}


def test_lists_are_paginated(client, wy_analyst, history, monkeypatch):
    from crossline.returns import views

    monkeypatch.setattr(views, "RESULTS_PER_PAGE", 2)
    sign_in(client, wy_analyst)

    second = client.get(reverse("returns:submissions"), {"page": 2})

    assert shown(second) == [history["wy_october"], history["wy_september"]]
    assert 'aria-label="Page 1"' in second.content.decode()
