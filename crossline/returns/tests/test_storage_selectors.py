"""Who sees which returns, attempts and records (AC-02), against the shared cast."""

import pytest

from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.returns import selectors
from crossline.returns.tests.builders import sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns_of_two_forces(wy_submitter, north_yorkshire_police, raw_store):
    west = submit(wy_submitter).national_return
    ny_submitter = make_user(north_yorkshire_police, Role.SUBMITTER, full_name="Nel Submitter")
    doc = sample_return()
    doc["return"]["force"] = "E23000009"
    north = submit(ny_submitter, doc).national_return
    return west, north


@pytest.mark.parametrize(("fixture", "sees"), [
    ("wy_analyst", {"E23000010"}),
    ("wy_submitter", {"E23000010"}),
    ("ny_analyst", {"E23000009"}),
    ("national_coordinator", {"E23000010", "E23000009"}),
    ("council_officer", set()),
    ("nhs_lead", set()),
    ("pcc_viewer", set()),
    ("wy_admin", set()),
    ("wy_auditor", set()),
    ("outsider", set()),
])
def test_returns_are_seen_by_their_own_force_and_the_national_centre(request, returns_of_two_forces, fixture,
                                                                     sees):
    user = request.getfixturevalue(fixture)

    assert {r.force_id for r in selectors.returns_visible_to(user=user)} == sees
    assert {p.national_return.force_id for p in selectors.people_visible_to(user=user)
            .select_related("national_return")} == sees


def test_a_rocu_sees_the_returns_of_its_region_only(returns_of_two_forces):
    rocu = Organisation.objects.get(kind=OrganisationKind.ROCU, region_id="YH")
    analyst = make_user(rocu, Role.ANALYST, full_name="Ray Regional")
    merseyside_rocu = Organisation.objects.get(kind=OrganisationKind.ROCU, region_id="NW")
    elsewhere = make_user(merseyside_rocu, Role.ANALYST, full_name="Mo Northwest")

    assert {r.force_id for r in selectors.returns_visible_to(user=analyst)} == {"E23000010", "E23000009"}
    assert not selectors.returns_visible_to(user=elsewhere).exists()


def test_submissions_are_seen_by_the_organisation_that_made_them(returns_of_two_forces, wy_analyst, ny_analyst,
                                                                 national_coordinator, council_officer):
    west, north = returns_of_two_forces

    assert [s.national_return for s in selectors.submissions_visible_to(user=wy_analyst)] == [west]
    assert [s.national_return for s in selectors.submissions_visible_to(user=ny_analyst)] == [north]
    assert selectors.submissions_visible_to(user=national_coordinator).count() == 2
    assert not selectors.submissions_visible_to(user=council_officer).exists()


def test_an_error_report_is_seen_only_with_its_submission(wy_submitter, ny_analyst, raw_store):
    doc = sample_return()
    doc["people"][0]["gender"] = "boy"
    rejected = submit(wy_submitter, doc)

    assert selectors.issues_visible_to(user=wy_submitter, submission=rejected).count() == 1
    assert not selectors.issues_visible_to(user=ny_analyst, submission=rejected).exists()


def test_superseded_records_are_history_not_current(wy_submitter, wy_analyst, raw_store):
    first = submit(wy_submitter).national_return
    doc = sample_return()
    doc["people"][1]["aliases"] = ["Big D"]
    second = submit(wy_submitter, doc).national_return

    assert {p.national_return_id for p in selectors.people_visible_to(user=wy_analyst)} == {second.pk}
    history = selectors.people_visible_to(user=wy_analyst, current_only=False)
    assert sorted(p.national_return_id for p in history) == [first.pk, first.pk, second.pk, second.pk]
    assert list(selectors.return_history(user=wy_analyst, national_return=first)) == [second, first]


def test_every_kind_of_record_is_scoped_the_same_way(returns_of_two_forces, wy_analyst, council_officer):
    west, _ = returns_of_two_forces
    for name in ("lines", "people", "locations", "vehicles", "events", "phone_numbers", "record_links"):
        read = getattr(selectors, f"{name}_visible_to")
        assert {record.national_return_id for record in read(user=wy_analyst)} == {west.pk}, name
        assert not read(user=council_officer).exists(), name
