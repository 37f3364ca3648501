"""Browsing a stored return's records (issue 3, part 7): every field as submitted and as stored,
grading in words, provenance and cross-references; each view of personal data asks for a
purpose first and writes exactly one audit record."""

import pytest
from django.urls import reverse

from crossline.audit.models import AuditAction, AuditEvent
from crossline.conftest import sign_in
from crossline.returns.models import Event, Line, Location, Person, Vehicle
from crossline.returns.tests.builders import sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import submit

pytestmark = pytest.mark.django_db
PURPOSE = {"code": "intelligence_development", "text": "Profiling the JAY line for Operation Example"}


@pytest.fixture
def stored(wy_submitter, raw_store):
    submission = submit(wy_submitter, form="xlsx")
    assert submission.status == "accepted"
    return submission.national_return


def state_purpose(client):
    client.post(reverse("audit:state_purpose"), {**PURPOSE, "next": "/"})


def views_of(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.VIEW, object_type=object_type))


def test_a_person_page_asks_for_a_purpose_first_then_writes_one_audit_record(client, wy_analyst, stored):
    person = Person.objects.get(ref="WY-P-1")
    url = reverse("returns:person", args=[person.pk])
    sign_in(client, wy_analyst)

    asked = client.get(url)

    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("audit:state_purpose"))
    assert not views_of("returns.Person")

    response = client.post(reverse("audit:state_purpose"), {**PURPOSE, "next": url}, follow=True)

    assert response.status_code == 200
    [viewed] = views_of("returns.Person")
    assert viewed.object_refs == [str(person.pk)]
    assert (viewed.actor_id, viewed.purpose_code, viewed.purpose_text) == (wy_analyst.pk, *PURPOSE.values())
    assert viewed.request_id == response["X-Request-ID"]
    line = Line.objects.get(ref="WY-L-0042")
    location = Location.objects.get(ref="WY-A-7")
    assert viewed.detail["linked"] == {"lines": [line.pk], "locations": [location.pk]}

    client.get(url)
    assert len(views_of("returns.Person")) == 2  # one per view


def test_a_person_page_shows_each_field_as_submitted_beside_as_stored(client, wy_analyst, stored):
    person = Person.objects.get(ref="WY-P-1")
    sign_in(client, wy_analyst)
    state_purpose(client)

    response = client.get(reverse("returns:person", args=[person.pk]))

    fields = {field["name"]: field for field in response.context["fields"]}
    assert (fields["phone_numbers"]["submitted"], fields["phone_numbers"]["stored"]) == ("07700 900555",
                                                                                         "+447700900555")
    assert fields["phone_numbers"]["changed"]
    assert (fields["forenames"]["submitted"], fields["forenames"]["stored"]) == ("Jay  Lee", "Jay Lee")
    assert fields["postcode"]["submitted"] == "ls1 4ap"
    assert fields["postcode"]["stored"].startswith("LS1 4AP (")
    assert (fields["date_of_birth"]["submitted"], fields["date_of_birth"]["stored"]) == ("01/05/2010", "1 May 2010")
    assert fields["vulnerability_factors"]["stored"] == "under_18; missing_episodes; looked_after"
    assert fields["looked_after_by"]["stored"].startswith("E08000035 (Leeds")
    assert [link["ref"] for link in fields["line_refs"]["links"]] == ["WY-L-0042"]
    text = response.content.decode()
    assert "Smith, Jay Lee" in text and "Child" in text
    assert reverse("returns:line", args=[Line.objects.get(ref="WY-L-0042").pk]) in text


def test_grading_is_spelled_out_in_words(client, wy_analyst, stored):
    sign_in(client, wy_analyst)
    state_purpose(client)

    child = client.get(reverse("returns:person", args=[Person.objects.get(ref="WY-P-1").pk])).context["grading"]
    line = client.get(reverse("returns:line", args=[Line.objects.get().pk])).context["grading"]

    assert dict(child) == {
        "Source evaluation": "U: untested",
        "Intelligence assessment": "3: known indirectly",
        "Handling code": "C: lawful sharing permitted subject to conditions. "
                         "Conditions: Share with children's services only",
    }
    assert dict(line) == {"Source evaluation": "R: reliable",
                          "Intelligence assessment": "2: known indirectly but corroborated",
                          "Handling code": "P: lawful sharing permitted"}


def test_a_record_says_where_it_came_from(client, wy_analyst, stored):
    sign_in(client, wy_analyst)
    state_purpose(client)

    response = client.get(reverse("returns:vehicle", args=[Vehicle.objects.get().pk]))

    text = response.content.decode()
    assert "West Yorkshire Police" in text and "October 2026" in text
    assert "vehicles, row 2" in text and "WY-V-1" in text
    assert stored.submission.received_at.strftime("%-d %B %Y") in text
    assert reverse("returns:detail", args=[stored.pk]) in text
    fields = {field["name"]: field for field in response.context["fields"]}
    assert (fields["vrm"]["submitted"], fields["vrm"]["stored"]) == ("ab12 cde", "AB12CDE")


@pytest.mark.parametrize("sheet, model, url_name", [
    ("lines", Line, "returns:line"), ("locations", Location, "returns:location"),
    ("vehicles", Vehicle, "returns:vehicle"), ("events", Event, "returns:event"),
])
def test_every_record_page_is_audited_once_with_the_people_it_shows(client, wy_analyst, stored, sheet, model,
                                                                    url_name):
    record = model.objects.get()
    sign_in(client, wy_analyst)
    state_purpose(client)

    assert client.get(reverse(url_name, args=[record.pk])).status_code == 200

    [viewed] = views_of(f"returns.{model.__name__}")
    assert viewed.object_refs == [str(record.pk)]
    assert viewed.purpose_code == PURPOSE["code"]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == 1
    if sheet == "lines":  # both people name the line
        assert sorted(viewed.detail["linked"]["people"]) == sorted(Person.objects.values_list("pk", flat=True))


def test_an_event_links_to_the_place_and_people_it_names(client, wy_analyst, stored):
    sign_in(client, wy_analyst)
    state_purpose(client)

    response = client.get(reverse("returns:event", args=[Event.objects.get().pk]))

    fields = {field["name"]: field for field in response.context["fields"]}
    assert [link["ref"] for link in fields["location_ref"]["links"]] == ["WY-A-7"]
    assert [link["ref"] for link in fields["person_refs"]["links"]] == ["WY-P-2"]
    assert (fields["cash_gbp"]["submitted"], fields["cash_gbp"]["stored"]) == ("1,250", "1250")


def test_a_returns_records_are_listed_sheet_by_sheet_and_the_listing_is_audited(client, wy_analyst, stored):
    sign_in(client, wy_analyst)
    state_purpose(client)

    response = client.get(reverse("returns:records", args=[stored.pk, "people"]))

    assert response.status_code == 200
    assert [row["record"].ref for row in response.context["rows"]] == ["WY-P-1", "WY-P-2"]
    assert [row["grading"]["code"] for row in response.context["rows"]] == ["U3C", "R1P"]
    [viewed] = views_of("returns.Person")
    assert sorted(viewed.object_refs) == sorted(str(pk) for pk in Person.objects.values_list("pk", flat=True))
    assert viewed.detail == {"national_return": stored.pk, "sheet": "people", "page": 1}
    assert client.get(reverse("returns:records", args=[stored.pk, "nominals"])).status_code == 404


def test_earlier_versions_and_their_records_stay_readable(client, wy_analyst, wy_submitter, stored, raw_store):
    doc = sample_return()
    doc["people"][1]["surname"] = "OBrien"
    newer = submit(wy_submitter, doc, form="json").national_return
    assert newer.version == 2
    old_person = Person.objects.get(national_return=stored, ref="WY-P-2")
    sign_in(client, wy_analyst)
    state_purpose(client)

    detail = client.get(reverse("returns:detail", args=[stored.pk]))
    person = client.get(reverse("returns:person", args=[old_person.pk]))

    assert detail.status_code == 200
    assert [version.version for version in detail.context["history"]] == [2, 1]
    assert detail.context["current"] == newer
    assert "This version has been replaced by a later one" in detail.content.decode()
    assert person.status_code == 200
    assert "O&#x27;Brien" in person.content.decode()
    assert "replaced" in person.content.decode()


def test_a_return_page_shows_its_header_counts_and_where_it_came_from(client, wy_submitter, stored):
    sign_in(client, wy_submitter)

    response = client.get(reverse("returns:detail", args=[stored.pk]))

    assert response.status_code == 200
    counts = {item["sheet"]: item["count"] for item in response.context["counts"]}
    assert counts == {"lines": 1, "people": 2, "locations": 1, "vehicles": 1, "events": 1}
    text = response.content.decode()
    assert "DS A. Analyst, Force Intelligence Bureau" in text and "fib@example.police.uk" in text
    assert reverse("returns:submission", args=[stored.submission.pk]) in text
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()  # no personal data on it
