"""Who may do what: the national centre opens weeks; a force sends only its own results; a PCC
office sees its own force's figures only; partners see nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.conftest import make_user, sign_in
from crossline.core.navigation import navigation_for
from crossline.intensification.models import IntensificationWeek, WeekResult
from crossline.intensification.services import results_submit
from crossline.intensification.tests.support import (
    NORTH_YORKSHIRE,
    WEST_YORKSHIRE,
    form_data,
    raw,
    week_started,
)
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce, Region

pytestmark = pytest.mark.django_db


def _open_form(**changes):
    today = timezone.localdate()
    data = {"name": "Intensification week, test", "starts_on": today.strftime("%d/%m/%Y"),
            "ends_on": (today + timedelta(days=6)).strftime("%d/%m/%Y"),
            "results_due_on": (today + timedelta(days=9)).strftime("%d/%m/%Y"), "focus": "Cuckooing"}
    return data | changes


def test_the_national_centre_opens_a_week_and_it_is_audited(client, national_coordinator):
    sign_in(client, national_coordinator)
    response = client.post(reverse("intensification:open"), _open_form())
    week = IntensificationWeek.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intensification:week", args=[week.pk])
    assert week.opened_by == national_coordinator and week.focus == "Cuckooing"
    from crossline.audit.models import AuditEvent
    assert AuditEvent.objects.filter(object_type="intensification.IntensificationWeek", action="create").count() == 1


def test_opening_a_week_with_bad_dates_shows_located_errors(client, national_coordinator):
    sign_in(client, national_coordinator)
    today = timezone.localdate()
    response = client.post(reverse("intensification:open"), _open_form(
        name="", ends_on=(today - timedelta(days=1)).strftime("%d/%m/%Y"), results_due_on="32/13/2026"))
    assert response.status_code == 200 and not IntensificationWeek.objects.exists()
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_name"' in body and 'href="#id_results_due_on"' in body


@pytest.mark.parametrize("who", ["wy_submitter", "wy_analyst", "pcc_viewer", "council_officer"])
def test_only_the_national_centre_may_open_a_week(client, request, who):
    sign_in(client, request.getfixturevalue(who))
    assert client.post(reverse("intensification:open"), _open_form()).status_code == 403
    assert not IntensificationWeek.objects.exists()


def test_a_regional_coordinator_may_not_open_a_week(client):
    rocu = Organisation.objects.filter(kind=OrganisationKind.ROCU).first()
    sign_in(client, make_user(rocu, Role.COORDINATOR))
    assert client.get(reverse("intensification:open")).status_code == 403


def test_a_force_cannot_send_results_for_another_force(wy_submitter):
    with pytest.raises(PermissionDenied):
        results_submit(week=week_started(), force=PoliceForce.objects.get(pk=NORTH_YORKSHIRE), raw=raw(),
                       through="form", actor=wy_submitter)
    assert not WeekResult.objects.exists()


def test_the_form_stores_the_results_for_the_submitters_own_force(client, wy_submitter):
    week = week_started()
    sign_in(client, wy_submitter)
    response = client.post(reverse("intensification:submit", args=[week.pk]), form_data(force=NORTH_YORKSHIRE))
    result = WeekResult.objects.get()
    assert result.force_id == WEST_YORKSHIRE  # a "force" field smuggled into the form is ignored
    assert response["Location"] == reverse("intensification:force", args=[week.pk, WEST_YORKSHIRE])


def test_the_form_shows_every_error_beside_its_field(client, wy_submitter):
    week = week_started()
    sign_in(client, wy_submitter)
    response = client.post(reverse("intensification:submit", args=[week.pk]),
                           form_data(arrests="ten", charges="", cash_seized_gbp="-5"))
    body = response.content.decode()
    assert response.status_code == 200 and not WeekResult.objects.exists()
    for field in ("arrests", "charges", "cash_seized_gbp"):
        assert f'href="#id_{field}"' in body and f'id="id_{field}-error"' in body
    assert "Enter the number of charges, or 0 if there were none" in body


def test_a_pcc_office_sees_its_own_forces_figures_only(client, pcc_viewer, wy_submitter, north_yorkshire_police):
    week = week_started()
    for user, code in ((wy_submitter, WEST_YORKSHIRE), (make_user(north_yorkshire_police, Role.SUBMITTER),
                                                        NORTH_YORKSHIRE)):
        results_submit(week=week, force=PoliceForce.objects.get(pk=code), raw=raw(arrests=10 + len(code)),
                       through="form", actor=user)
    sign_in(client, pcc_viewer)
    page = client.get(reverse("intensification:week", args=[week.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "West Yorkshire Police" in body and "North Yorkshire Police" not in body
    assert "England and Wales (all forces)" not in body and "Every figure this week" not in body
    assert client.get(reverse("intensification:force", args=[week.pk, WEST_YORKSHIRE])).status_code == 200
    assert client.get(reverse("intensification:force", args=[week.pk, NORTH_YORKSHIRE])).status_code == 404
    export = b"".join(client.get(reverse("intensification:export", args=[week.pk, "csv"])).streaming_content)
    assert b"West Yorkshire Police" in export and b"North Yorkshire" not in export and b"National total" not in export
    assert client.get(reverse("intensification:submit", args=[week.pk])).status_code == 403


def test_a_force_sees_its_own_figures_and_the_regional_and_national_totals(client, wy_analyst):
    week = week_started()
    sign_in(client, wy_analyst)
    body = client.get(reverse("intensification:week", args=[week.pk])).content.decode()
    region = Region.objects.get(forces__code=WEST_YORKSHIRE).name
    assert "England and Wales (all forces)" in body and region in body
    assert "North Yorkshire Police" not in body
    assert client.get(reverse("intensification:force", args=[week.pk, NORTH_YORKSHIRE])).status_code == 404


@pytest.mark.parametrize("who", ["council_officer", "nhs_lead", "outsider"])
def test_partners_see_no_week(client, request, who):
    week = week_started()
    sign_in(client, request.getfixturevalue(who))
    for name, args in (("weeks", []), ("week", [week.pk]), ("export", [week.pk, "csv"])):
        assert client.get(reverse(f"intensification:{name}", args=args)).status_code == 403


def test_the_navigation_offers_intensification_weeks_to_those_who_may_see_them(rf, wy_submitter, pcc_viewer,
                                                                              council_officer):
    for user, expected in ((wy_submitter, True), (pcc_viewer, True), (council_officer, False)):
        request = rf.get("/")
        request.user = user
        user.is_verified = lambda: True
        assert any(item["label"] == "Intensification weeks" for item in navigation_for(request)) is expected


def test_the_weeks_list_shows_how_many_forces_reported_and_the_forces_own_state(client, wy_submitter):
    sent, waiting = week_started(name="Sent week"), week_started(1, name="Waiting week")
    results_submit(week=sent, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(), through="form",
                   actor=wy_submitter)
    sign_in(client, wy_submitter)
    body = client.get(reverse("intensification:weeks")).content.decode()
    assert "1 of 44" in body and "0 of 44" in body and "Sent (version 1)" in body
    assert reverse("intensification:submit", args=[waiting.pk]) in body
