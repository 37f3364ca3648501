"""Who may send a force's intensification results: its submitters and its intelligence analysts
(and a ROCU's, for the forces of its region); never a PCC office, a partner, a force's
safeguarding officer or admin, or the national centre, which has no force of its own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from crossline.accounts.roles import SUBMIT_INTENSIFICATION_RESULTS, Role
from crossline.conftest import make_user, sign_in
from crossline.intensification.models import WeekResult
from crossline.intensification.services import results_submit
from crossline.intensification.tests.support import MERSEYSIDE, WEST_YORKSHIRE, form_data, raw, week_started
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.organisations.selectors import national_centre
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


@pytest.fixture
def yh_rocu(west_yorkshire_police):
    return Organisation.objects.get(kind=OrganisationKind.ROCU, region=west_yorkshire_police.police_force.region)


REFUSED = {
    "PCC office": lambda request: request.getfixturevalue("pcc_viewer"),
    "council safeguarding officer": lambda request: request.getfixturevalue("council_officer"),
    "NHS lead": lambda request: request.getfixturevalue("nhs_lead"),
    "force safeguarding officer": lambda request: make_user(request.getfixturevalue("west_yorkshire_police"),
                                                            Role.SAFEGUARDING_OFFICER),
    "force admin": lambda request: request.getfixturevalue("wy_admin"),
    "force auditor": lambda request: request.getfixturevalue("wy_auditor"),
    "national co-ordinator": lambda request: request.getfixturevalue("national_coordinator"),
    "national centre analyst": lambda request: make_user(national_centre(), Role.ANALYST),
}


@pytest.mark.parametrize("who", ["wy_submitter", "wy_analyst"])
def test_a_forces_submitters_and_analysts_send_its_results_from_the_form(client, request, who):
    user = request.getfixturevalue(who)
    week = week_started()
    sign_in(client, user)
    assert client.get(reverse("intensification:submit", args=[week.pk])).status_code == 200
    response = client.post(reverse("intensification:submit", args=[week.pk]), form_data())
    assert response.status_code == 302
    result = WeekResult.objects.get()
    assert (result.force_id, result.submitted_by, result.arrests) == (WEST_YORKSHIRE, user, 10)


@pytest.mark.parametrize("role", [Role.SUBMITTER, Role.ANALYST])
def test_a_rocus_submitters_and_analysts_send_for_their_regions_forces_only(yh_rocu, role):
    user = make_user(yh_rocu, role)
    week = week_started()
    outcome = results_submit(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(), through="form",
                             actor=user)
    assert outcome.ok and outcome.result.organisation == yh_rocu
    with pytest.raises(PermissionDenied):
        results_submit(week=week, force=PoliceForce.objects.get(pk=MERSEYSIDE), raw=raw(), through="form",
                       actor=user)


@pytest.mark.parametrize("who", REFUSED)
def test_others_may_not_send_results(client, request, who):
    user = REFUSED[who](request)
    week = week_started()
    assert not user.has_perm(SUBMIT_INTENSIFICATION_RESULTS)
    sign_in(client, user)
    assert client.get(reverse("intensification:submit", args=[week.pk])).status_code == 403
    assert client.post(reverse("intensification:submit", args=[week.pk]), form_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        results_submit(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(), through="form",
                       actor=user)
    assert not WeekResult.objects.exists()
