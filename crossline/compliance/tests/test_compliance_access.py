"""Who sees which force's compliance: a force its own, a PCC office its force's figures, the
national centre every force and the league table; partners nothing."""

import pytest
from django.urls import reverse

from crossline.compliance.tests.support import monthly_schedule as monthly_schedule
from crossline.conftest import make_user, sign_in
from crossline.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db
WY, NY = "E23000010", "E23000009"


def _force_page(client, user, code=None):
    sign_in(client, user)
    url = reverse("compliance:force_detail", args=[code]) if code else reverse("compliance:force")
    return client.get(url)


def test_a_north_yorkshire_analyst_sees_north_yorkshire_only(client, ny_analyst, monthly_schedule):
    own = _force_page(client, ny_analyst)
    assert own.status_code == 200
    assert own.context["compliance"].force.pk == NY
    assert "North Yorkshire Police" in own.content.decode()
    assert client.get(reverse("compliance:force_detail", args=[NY])).status_code == 200
    assert client.get(reverse("compliance:force_detail", args=[WY])).status_code == 404
    assert client.get(reverse("compliance:league")).status_code == 403
    assert client.get(reverse("compliance:league_export", args=["csv"])).status_code == 403


def test_partners_and_people_without_a_force_reach_nothing(client, council_officer, outsider, nhs_lead):
    for person in (council_officer, outsider, nhs_lead):
        assert _force_page(client, person).status_code == 403
        assert client.get(reverse("compliance:force_detail", args=[WY])).status_code == 403
        assert client.get(reverse("compliance:league")).status_code == 403


def test_a_pcc_office_sees_its_own_forces_figures(client, pcc_viewer, monthly_schedule):
    own = _force_page(client, pcc_viewer)
    assert own.status_code == 200 and own.context["compliance"].force.pk == WY
    assert client.get(reverse("compliance:force_detail", args=[NY])).status_code == 404
    assert client.get(reverse("compliance:league")).status_code == 403


def test_the_national_coordinator_sees_the_league_table_and_any_force(client, national_coordinator,
                                                                      monthly_schedule):
    chooser = _force_page(client, national_coordinator)
    assert chooser.status_code == 200
    assert reverse("compliance:force_detail", args=[NY]) in chooser.content.decode()
    league = client.get(reverse("compliance:league"))
    assert league.status_code == 200 and len(league.context["league"].rows) == 44
    assert client.get(reverse("compliance:force_detail", args=[WY])).status_code == 200
    assert client.get(reverse("compliance:force_detail", args=["E99999999"])).status_code == 404


def test_a_rocu_analyst_sees_the_forces_of_its_region(client, monthly_schedule):
    rocu = Organisation.objects.get(kind=OrganisationKind.ROCU, region__forces=WY)
    analyst = make_user(rocu, "analyst")
    chooser = _force_page(client, analyst)
    assert chooser.status_code == 200
    codes = {force.pk for force in chooser.context["forces"]}
    assert {WY, NY} <= codes and "E23000004" not in codes  # Merseyside is in the North West
    assert client.get(reverse("compliance:force_detail", args=[WY])).status_code == 200
    assert client.get(reverse("compliance:force_detail", args=["E23000004"])).status_code == 404
