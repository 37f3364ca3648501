"""The national centre changes the scoring model: a new version, audited, refused to anyone else
and refused when it would let scale outweigh a child."""

import pytest
from django.urls import reverse

from crossline.accounts.roles import Role
from crossline.assessment.models import Assessment, ScoringModel
from crossline.assessment.scoring import Weights
from crossline.assessment.services import assess_lines, scoring_model_ensure
from crossline.assessment.tasks import assess_lines as assess_lines_task
from crossline.audit.models import AuditEvent
from crossline.conftest import WEST_YORKSHIRE, make_user, sign_in
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    data = {name: value for name, value in Weights().as_dict().items()}
    data.update(national_threshold=70, regional_threshold=35, reason="Tasking board, November: raise the bar")
    data.update(changes)
    return data


def test_the_national_centre_saves_a_new_version_and_every_line_is_scored_again(
        client, national_coordinator, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    scoring_model_ensure()
    sign_in(client, national_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:scoring_change"), form_data(weapon_knife=7))
    assert response.status_code == 302
    latest = ScoringModel.objects.get(is_active=True)
    assert (latest.version, latest.national_threshold, latest.weights["weapon_knife"]) == (2, 70, 7)
    assert ScoringModel.objects.get(version=1).is_active is False
    change = AuditEvent.objects.get(action="change", object_type="assessment.ScoringModel")
    assert change.detail["changed"] == ["weapon_knife"] and change.detail["previous_version"] == 1
    assessment = Assessment.objects.get()
    assert assessment.scoring_model == latest and assessment.trigger == "model_change"
    page = client.get(reverse("assessment:scoring"))
    assert "Tasking board, November" in page.content.decode()


def test_a_model_letting_scale_outweigh_a_child_is_refused_with_a_located_error(client, national_coordinator):
    scoring_model_ensure()
    sign_in(client, national_coordinator)
    response = client.post(reverse("assessment:scoring_change"), form_data(child_first=10, child_cap=10))
    assert response.status_code == 200
    assert "child_first" in response.context["form"].errors
    assert "small line exploiting a child" in response.content.decode()
    assert ScoringModel.objects.count() == 1


def test_thresholds_out_of_order_are_refused(client, national_coordinator):
    sign_in(client, national_coordinator)
    response = client.post(reverse("assessment:scoring_change"), form_data(national_threshold=20,
                                                                           regional_threshold=30))
    assert "national_threshold" in response.context["form"].errors
    assert not ScoringModel.objects.filter(version=2).exists()


def test_only_the_national_centre_changes_the_model(client, wy_analyst, pcc_viewer):
    region = PoliceForce.objects.get(pk=WEST_YORKSHIRE).region_id
    rocu = make_user(Organisation.objects.get(kind=OrganisationKind.ROCU, region_id=region), Role.COORDINATOR)
    sign_in(client, rocu)
    assert client.get(reverse("assessment:scoring")).status_code == 200  # co-ordinators may read it
    assert client.get(reverse("assessment:scoring_change")).status_code == 403
    assert client.post(reverse("assessment:scoring_change"), form_data()).status_code == 403
    for user in (wy_analyst, pcc_viewer):
        sign_in(client, user)
        assert client.get(reverse("assessment:scoring")).status_code == 403
    assert not ScoringModel.objects.filter(version__gt=1).exists()


def test_each_assessment_records_the_version_it_used(national_coordinator):
    first = assess_lines()
    sign_in_free = ScoringModel.objects.get(is_active=True)
    from crossline.assessment.services import scoring_model_create

    scoring_model_create(weights={"weapon_firearm": 12}, national_threshold=60, regional_threshold=30,
                         reason="Firearms count more", created_by=national_coordinator)
    second = assess_lines()
    assert first.scoring_model == sign_in_free and second.scoring_model.version == 2


def test_the_task_scores_everything_after_a_resolution():
    assessment_id = assess_lines_task.call(link_run_id=None)
    assert Assessment.objects.get(pk=assessment_id).trigger == "resolution"
