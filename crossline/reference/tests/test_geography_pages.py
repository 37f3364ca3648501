import json

import pytest
from django.urls import reverse

from crossline.conftest import sign_in
from crossline.reference.models import Postcode

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, wy_analyst):
    return sign_in(client, wy_analyst)


def search(client, text):
    response = client.get(reverse("reference:areas"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("user", ["wy_analyst", "council_officer", "nhs_lead", "pcc_viewer", "outsider"])
def test_any_verified_user_sees_the_forces_by_region(client, request, user):
    sign_in(client, request.getfixturevalue(user))
    page = client.get(reverse("reference:areas")).content.decode()
    assert "Yorkshire and the Humber" in page and "YHROCU" in page
    assert "West Yorkshire Police" in page and reverse("reference:force", args=["E23000010"]) in page
    assert "British Transport Police" in page
    assert page.count('class="govuk-table"') == 11  # ten regions and the national forces


def test_unverified_and_signed_out_people_are_sent_away(client, wy_analyst):
    assert client.get(reverse("reference:areas")).status_code == 302
    sign_in(client, wy_analyst, verified=False)
    assert client.get(reverse("reference:force_boundaries")).status_code == 302


def test_a_force_lists_its_councils_and_its_border_districts(analyst_client):
    response = analyst_client.get(reverse("reference:force", args=["E23000010"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Local authorities (5)" in page
    for code, name in [("E08000035", "Leeds"), ("E08000032", "Bradford"), ("E08000033", "Calderdale"),
                       ("E08000034", "Kirklees"), ("E08000036", "Wakefield")]:
        assert code in page and name in page
    assert "YHROCU" in page
    assert "BD20" in page and "66%" in page  # split with North Yorkshire
    assert "LS29" in page and "97%" in page
    assert ">LS1<" not in page  # wholly inside West Yorkshire


def test_force_codes_are_not_case_sensitive_and_unknown_ones_are_not_found(analyst_client):
    assert analyst_client.get(reverse("reference:force", args=["e23000010"])).status_code == 200
    assert analyst_client.get(reverse("reference:force", args=["E23000099"])).status_code == 404


def test_british_transport_police_has_no_area(analyst_client):
    page = analyst_client.get(reverse("reference:force", args=["BTP"])).content.decode()
    assert "has no area of its own" in page


def test_searching_a_postcode_says_where_it_is_and_how_sure(analyst_client):
    assert "Postcode LS1 4AP is in West Yorkshire Police area, Leeds (from district share 100%)." in search(
        analyst_client, "ls14ap")
    Postcode.objects.create(postcode="LS1 4AP", local_authority_id="E08000035", police_force_id="E23000010")
    assert "Postcode LS1 4AP is in West Yorkshire Police area, Leeds (exact)." in search(analyst_client, "LS1 4AP")
    assert "Postcode LS29 9AA is in West Yorkshire Police area, Bradford (from district share 97%)." in search(
        analyst_client, "LS29 9AA")


def test_searching_a_cross_border_postcode_shows_every_share(analyst_client):
    page = search(analyst_client, "BD20 5AA")
    assert "could be in more than one force area" in page
    assert "Bradford" in page and "66%" in page and "North Yorkshire" in page and "34%" in page


def test_searching_a_force_or_a_council(analyst_client):
    page = search(analyst_client, "North Yorkshire")
    assert "North Yorkshire Police" in page and "E23000009" in page and "E06000065" in page
    page = search(analyst_client, "Kent County Council")
    assert "E10000016" in page and "12 districts" in page and "Maidstone" in page and "Kent Police" in page
    page = search(analyst_client, "City of Bradford")
    assert "E08000032" in page and "West Yorkshire Police" in page


def test_searching_for_nothing_known_says_so(analyst_client):
    assert "No police force, council or postcode matches “Atlantis”" in search(analyst_client, "Atlantis")
    assert "not in the reference data" in search(analyst_client, "EH1 1YZ")


def test_the_search_text_is_escaped(analyst_client):
    page = search(analyst_client, "<script>alert(1)</script>")
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_force_boundaries_are_geojson(analyst_client):
    response = analyst_client.get(reverse("reference:force_boundaries"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    boundaries = json.loads(b"".join(response.streaming_content))
    assert boundaries["type"] == "FeatureCollection"
    assert len(boundaries["features"]) == 43
    assert {f["properties"]["PFA20CD"] for f in boundaries["features"]} >= {"E23000010", "W15000004"}
