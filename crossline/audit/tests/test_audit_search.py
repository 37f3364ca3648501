"""Audit search: auditors only, scoped to their organisation unless national (LOG-04), itself audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.audit.models import AuditAction, AuditEvent
from crossline.audit.services import audit_record
from crossline.conftest import make_user, sign_in
from crossline.organisations.selectors import national_centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(wy_analyst, ny_analyst):
    """Two records in West Yorkshire, one in North Yorkshire."""
    return {
        "wy_view": audit_record(action=AuditAction.VIEW, object_type="returns.Person", object_refs=["101"],
                                actor=wy_analyst),
        "wy_export": audit_record(action=AuditAction.EXPORT, object_type="returns.Return", object_refs=["9"],
                                  actor=wy_analyst),
        "ny_view": audit_record(action=AuditAction.VIEW, object_type="returns.Person", object_refs=["202"],
                                actor=ny_analyst),
    }


@pytest.fixture
def national_auditor(db):
    return make_user(national_centre(), Role.AUDITOR, full_name="Dee Protection")


def _shown(response) -> set[int]:
    return {event.pk for event in response.context["page"].object_list}


@pytest.mark.parametrize("who", ["wy_analyst", "council_officer", "pcc_viewer", "outsider"])
def test_only_auditors_reach_the_audit_pages(client, request, trail, who):
    sign_in(client, request.getfixturevalue(who))
    for url in (reverse("audit:search"), reverse("audit:export"), reverse("audit:event", args=[trail["wy_view"].pk])):
        assert client.get(url).status_code == 403, url


def test_a_force_auditor_sees_only_their_organisations_records(client, wy_auditor, trail):
    sign_in(client, wy_auditor)

    response = client.get(reverse("audit:search"))

    assert response.status_code == 200
    assert {trail["wy_view"].pk, trail["wy_export"].pk} <= _shown(response)
    assert trail["ny_view"].pk not in _shown(response)
    assert client.get(reverse("audit:event", args=[trail["ny_view"].pk])).status_code == 404


def test_a_national_centre_auditor_sees_every_organisation(client, national_auditor, trail):
    sign_in(client, national_auditor)

    response = client.get(reverse("audit:search"))

    assert {event.pk for event in trail.values()} <= _shown(response)
    assert client.get(reverse("audit:event", args=[trail["ny_view"].pk])).status_code == 200


def test_filters_narrow_the_results(client, national_auditor, trail, north_yorkshire_police):
    sign_in(client, national_auditor)
    search = reverse("audit:search")

    assert _shown(client.get(search, {"action": "export"})) == {trail["wy_export"].pk}
    assert _shown(client.get(search, {"object_ref": "202"})) == {trail["ny_view"].pk}
    assert _shown(client.get(search, {"organisation": north_yorkshire_police.pk})) == {trail["ny_view"].pk}
    assert _shown(client.get(search, {"username": "analyst@north", "object_type": "returns.Person"})) == {
        trail["ny_view"].pk}
    assert _shown(client.get(search, {"date_from": "1/1/2000", "date_to": "31/12/2000"})) == set()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert {event.pk for event in trail.values()} <= _shown(client.get(search, {"date_from": today, "date_to": today}))


def test_a_force_auditor_cannot_pick_another_organisation(client, wy_auditor, trail, north_yorkshire_police):
    sign_in(client, wy_auditor)

    response = client.get(reverse("audit:search"), {"organisation": north_yorkshire_police.pk})

    assert response.context["page"] is None
    assert b"Select a valid choice" in response.content


def test_a_date_range_the_wrong_way_round_is_refused(client, wy_auditor, trail):
    sign_in(client, wy_auditor)

    response = client.get(reverse("audit:search"), {"date_from": "2/1/2025", "date_to": "1/1/2025"})

    assert b"The to date must be the same as or after the from date" in response.content
    assert response.context["page"] is None


def test_each_search_and_each_record_opened_is_itself_audited(client, wy_auditor, trail):
    sign_in(client, wy_auditor)

    client.get(reverse("audit:search"), {"action": "view", "username": "analyst"})
    client.get(reverse("audit:event", args=[trail["wy_view"].pk]))

    searched, opened = AuditEvent.objects.filter(action=AuditAction.AUDIT_SEARCH).order_by("id")
    assert searched.actor_id == wy_auditor.pk
    assert searched.detail["filters"] == {"action": "view", "username": "analyst"}
    assert searched.object_refs == [str(trail["wy_view"].pk)]
    assert opened.object_refs == [str(trail["wy_view"].pk)]
    assert opened.detail["filters"] == {"id": str(trail["wy_view"].pk)}


def test_the_record_page_shows_every_field_and_whether_it_verifies(client, wy_auditor, trail):
    sign_in(client, wy_auditor)
    event = trail["wy_view"]

    page = client.get(reverse("audit:event", args=[event.pk]))

    assert page.status_code == 200
    assert page.context["check"].verifies
    for shown in (event.row_hash, event.prev_hash, event.actor_username, "West Yorkshire Police", "returns.Person"):
        assert shown.encode() in page.content
    assert b"Verified" in page.content


def test_the_record_page_warns_when_a_record_has_been_altered(client, wy_auditor, trail):
    from crossline.audit.tests.support import tamper

    tamper(trail["wy_view"].pk, object_refs=["999"])
    sign_in(client, wy_auditor)

    page = client.get(reverse("audit:event", args=[trail["wy_view"].pk]))

    assert not page.context["check"].content_matches
    assert b"does not verify" in page.content
