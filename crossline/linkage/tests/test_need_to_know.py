"""Need to know: an analyst sees an entity only through records they may read; of a match held
elsewhere they learn only that it exists and which force holds it, and can ask that force."""

from datetime import timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import AccessRequest, AccessStatus
from crossline.linkage.tests.support import entity_of, person, resolve, signed_in_with_purpose, submit_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_person():
    """One child, in both forces' returns; West Yorkshire knows more."""
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-SECRET-1", "Smith", "Jonathan", "2009-02-03", gender="male", phone_numbers=["07700 900555"],
               address="12 Example Road, Leeds", postcode="LS9 8AB", aliases=["Tricky"], factors=("under_18",),
               safeguarding_actions="Strategy meeting held")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person("NY-P-4", "Smith", "Jon", "2009-02-03", gender="male", phone_numbers=["07700 900555"],
               address="12 Example Rd, Leeds", postcode="LS9 8AB", factors=("under_18",))])
    resolve()
    entity = entity_of("person", NORTH_YORKSHIRE, "NY-P-4")
    assert entity == entity_of("person", WEST_YORKSHIRE, "WY-P-SECRET-1")
    return entity


def test_a_north_yorkshire_analyst_is_told_a_match_exists_and_nothing_of_it(client, ny_analyst, shared_person):
    page = signed_in_with_purpose(client, ny_analyst).get(reverse("linkage:entity", args=[shared_person]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "A match exists, held by West Yorkshire Police" in text
    assert "NY-P-4" in text and "Jon" in text
    for secret in ("WY-P-SECRET-1", "Tricky", "Jonathan", "Example Road", "Strategy meeting"):
        assert secret not in text
    viewed = AuditEvent.objects.get(action="view", object_type="linkage.Entity")
    assert viewed.detail["held_elsewhere"] == [WEST_YORKSHIRE]
    assert viewed.purpose_code == "intelligence_development"


def test_asking_the_holding_force_who_approves_shows_the_records(client, ny_analyst, wy_analyst, shared_person):
    signed_in_with_purpose(client, ny_analyst)
    asked = client.post(reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
                        {"purpose_code": "safeguarding", "reason": "The child was found in Harrogate last night"})
    assert asked.status_code == 302
    access = AccessRequest.objects.get()
    assert (access.status, access.holding_force_id, access.requested_by) == ("pending", WEST_YORKSHIRE, ny_analyst)
    assert "they have not yet decided" in client.get(reverse("linkage:entity", args=[shared_person])).content.decode()

    signed_in_with_purpose(client, wy_analyst)
    listed = client.get(reverse("linkage:access_requests"))
    assert "Bob Analyst" in listed.content.decode()
    decided = client.post(reverse("linkage:access_decide", args=[access.pk]), {"approve": "yes", "note": "Shared"})
    assert decided.status_code == 302
    access.refresh_from_db()
    assert access.status == AccessStatus.APPROVED

    signed_in_with_purpose(client, ny_analyst)
    text = client.get(reverse("linkage:entity", args=[shared_person])).content.decode()
    assert "Tricky" in text and "WY-P-SECRET-1" in text
    assert "A match exists" not in text
    disclosed = AuditEvent.objects.get(action="disclose", object_type="linkage.AccessRequest")
    assert disclosed.recipients == [{"user": ny_analyst.pk, "organisation": ny_analyst.organisation_id}]


def test_a_declined_request_shows_nothing_more(client, ny_analyst, wy_analyst, shared_person):
    signed_in_with_purpose(client, ny_analyst).post(
        reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
        {"purpose_code": "safeguarding", "reason": "The child was found in Harrogate last night"})
    access = AccessRequest.objects.get()
    signed_in_with_purpose(client, wy_analyst).post(reverse("linkage:access_decide", args=[access.pk]),
                                                    {"approve": "no", "note": "Ring the FIB"})
    text = signed_in_with_purpose(client, ny_analyst).get(reverse("linkage:entity", args=[shared_person])).content
    assert b"Tricky" not in text and b"declined" in text


def test_nobody_decides_their_own_request_or_another_force_s(client, ny_analyst, shared_person):
    signed_in_with_purpose(client, ny_analyst).post(
        reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
        {"purpose_code": "safeguarding", "reason": "The child was found in Harrogate last night"})
    access = AccessRequest.objects.get()
    assert client.post(reverse("linkage:access_decide", args=[access.pk]), {"approve": "yes"}).status_code == 404
    access.refresh_from_db()
    assert access.status == AccessStatus.PENDING


def test_an_entity_with_no_record_the_user_may_read_is_not_found(client, ny_analyst, council_officer):
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[person("WY-P-9", "Doe", "Jane", "1980-01-01")])
    resolve()
    entity = entity_of("person", WEST_YORKSHIRE, "WY-P-9")
    for user in (ny_analyst, council_officer):
        assert signed_in_with_purpose(client, user).get(
            reverse("linkage:entity", args=[entity])).status_code == 404


def test_asking_and_deciding_are_audited_with_who_why_and_the_outcome(client, ny_analyst, wy_analyst, shared_person):
    signed_in_with_purpose(client, ny_analyst).post(
        reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
        {"purpose_code": "safeguarding", "reason": "The child was found in Harrogate last night"})
    access = AccessRequest.objects.get()
    asked = AuditEvent.objects.get(action="create", object_type="linkage.AccessRequest")
    assert (asked.actor_id, asked.purpose_code, asked.purpose_text) == (
        ny_analyst.pk, "safeguarding", "The child was found in Harrogate last night")
    assert asked.detail == {"entity": shared_person, "holding_force": WEST_YORKSHIRE}

    signed_in_with_purpose(client, wy_analyst).post(reverse("linkage:access_decide", args=[access.pk]),
                                                    {"approve": "no", "note": "Ring the FIB"})
    declined = AuditEvent.objects.get(action="change", object_type="linkage.AccessRequest")
    assert (declined.actor_id, declined.detail["status"], declined.recipients) == (wy_analyst.pk, "declined", [])
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_only_the_holding_force_decides_not_the_national_centre_that_may_read_it(
        client, ny_analyst, national_coordinator, shared_person):
    """The national centre may read West Yorkshire's records, but only West Yorkshire decides
    whom else they are shown to."""
    signed_in_with_purpose(client, ny_analyst).post(
        reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
        {"purpose_code": "safeguarding", "reason": "The child was found in Harrogate last night"})
    access = AccessRequest.objects.get()
    signed_in_with_purpose(client, national_coordinator)
    assert "Bob Analyst" not in client.get(reverse("linkage:access_requests")).content.decode()
    assert client.get(reverse("linkage:access_decide", args=[access.pk])).status_code == 404
    assert client.post(reverse("linkage:access_decide", args=[access.pk]), {"approve": "yes"}).status_code == 404
    access.refresh_from_db()
    assert access.status == AccessStatus.PENDING
    assert not AuditEvent.objects.filter(object_type="linkage.AccessRequest", action__in=["disclose", "change"]).exists()


def test_the_match_says_which_force_holds_it_but_not_how_many_records(client, ny_analyst):
    """Two West Yorkshire returns hold the child: the North Yorkshire page reads the same as for one."""
    for period in ("2026-09-30", "2026-10-31"):
        submit_return(WEST_YORKSHIRE, period, people=[
            person("WY-P-SECRET-1", "Smith", "Jonathan", "2009-02-03", gender="male",
                   phone_numbers=["07700 900555"], postcode="LS9 8AB", factors=("under_18",))])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person("NY-P-4", "Smith", "Jon", "2009-02-03", gender="male", phone_numbers=["07700 900555"],
               postcode="LS9 8AB", factors=("under_18",))])
    resolve()
    entity = entity_of("person", NORTH_YORKSHIRE, "NY-P-4")
    assert entity == entity_of("person", WEST_YORKSHIRE, "WY-P-SECRET-1")
    text = signed_in_with_purpose(client, ny_analyst).get(reverse("linkage:entity", args=[entity])).content.decode()
    assert "A match exists, held by West Yorkshire Police. You may not read what it holds." in text
    assert "2 records" not in text and "its record" not in text


def test_an_approval_ends_after_the_time_allowed_and_the_user_may_ask_again(
        client, ny_analyst, wy_analyst, shared_person, settings):
    settings.LINKAGE_ACCESS_DAYS = 30
    signed_in_with_purpose(client, ny_analyst)
    client.post(reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
                {"purpose_code": "safeguarding", "reason": "The child was found in Harrogate last night"})
    access = AccessRequest.objects.get()
    signed_in_with_purpose(client, wy_analyst)
    client.post(reverse("linkage:access_decide", args=[access.pk]), {"approve": "yes", "note": "Shared"})
    access.refresh_from_db()
    assert access.expires_at == access.decided_at + timedelta(days=30)
    disclosed = AuditEvent.objects.get(action="disclose", object_type="linkage.AccessRequest")
    assert disclosed.detail["expires_at"] == access.expires_at.isoformat()

    with freeze_time(access.decided_at + timedelta(days=29)):
        text = signed_in_with_purpose(client, ny_analyst).get(
            reverse("linkage:entity", args=[shared_person])).content.decode()
        assert "Tricky" in text and "You may read its records until" in text

    with freeze_time(access.decided_at + timedelta(days=30, seconds=1)):
        text = signed_in_with_purpose(client, ny_analyst).get(
            reverse("linkage:entity", args=[shared_person])).content.decode()
        assert "Tricky" not in text and "WY-P-SECRET-1" not in text
        assert "A match exists, held by West Yorkshire Police" in text
        assert "That approval ended on" in text
        again = client.post(reverse("linkage:access_request", args=[shared_person, WEST_YORKSHIRE]),
                            {"purpose_code": "safeguarding", "reason": "She has gone missing again this week"})
        assert again.status_code == 302
        assert AccessRequest.objects.filter(status=AccessStatus.PENDING).count() == 1
