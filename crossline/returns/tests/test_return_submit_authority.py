"""A force submits only for itself (BTP for BTP), a ROCU for the forces of its region, the
national centre for none; and only a submitter of the organisation may submit at all."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from crossline.accounts.models import MachineClient, MachineClientScope
from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.organisations.models import Organisation, OrganisationKind
from crossline.organisations.selectors import force_organisation, national_centre
from crossline.returns.models import Submission, SubmissionStatus
from crossline.returns.selectors import forces_submittable_by
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import as_json, sample_return
from crossline.returns.tests.storage_support import issues_of, nothing_stored, submit
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db


def _for_force(force: str) -> dict:
    doc = sample_return()
    doc["return"]["force"] = force
    return doc


@pytest.fixture
def rocu_submitter(db):
    rocu = Organisation.objects.get(kind=OrganisationKind.ROCU, region_id="YH")
    return make_user(rocu, Role.SUBMITTER, full_name="Rory Rocu")


def test_a_force_cannot_submit_for_another_force(wy_submitter, raw_store):
    submission = submit(wy_submitter, _for_force("North Yorkshire Police"))

    assert submission.status == SubmissionStatus.REJECTED
    [issue] = issues_of(submission)
    assert (issue.sheet, issue.column, issue.value, issue.code) == ("return", "force", "E23000009", "not_your_force")
    assert "North Yorkshire Police" in issue.message and "West Yorkshire Police" in issue.message
    assert nothing_stored()


def test_a_rocu_submits_for_the_forces_of_its_region(rocu_submitter, raw_store):
    assert submit(rocu_submitter, _for_force("E23000010")).status == SubmissionStatus.ACCEPTED
    assert submit(rocu_submitter, _for_force("E23000009")).status == SubmissionStatus.ACCEPTED


def test_a_rocu_cannot_submit_for_a_force_outside_its_region(rocu_submitter, raw_store):
    submission = submit(rocu_submitter, _for_force("Merseyside"))

    assert submission.status == SubmissionStatus.REJECTED
    assert "Yorkshire" in issues_of(submission)[0].message
    assert nothing_stored()


def test_btp_submits_for_btp_and_no_territorial_force_may(wy_submitter, raw_store):
    btp_submitter = make_user(force_organisation("BTP"), Role.SUBMITTER, full_name="Bea Transport")

    assert submit(btp_submitter, _for_force("BTP")).status == SubmissionStatus.ACCEPTED
    assert submit(wy_submitter, _for_force("BTP")).status == SubmissionStatus.REJECTED
    assert submit(btp_submitter, _for_force("E23000010")).status == SubmissionStatus.REJECTED


def test_the_national_centre_submits_for_no_force():
    assert not forces_submittable_by(organisation=national_centre()).exists()


@pytest.mark.parametrize("fixture", ["wy_analyst", "council_officer", "national_coordinator", "outsider"])
def test_only_a_submitter_may_submit(request, raw_store, fixture):
    user = request.getfixturevalue(fixture)

    with pytest.raises(PermissionDenied):
        submit(user)
    assert not Submission.objects.exists()


def test_a_submitter_submits_for_their_own_organisation_only(wy_submitter, north_yorkshire_police, raw_store):
    with pytest.raises(PermissionDenied):
        return_submit(content=as_json(sample_return()), filename="r.json", form=None, actor=wy_submitter,
                      organisation=north_yorkshire_police)
    assert not Submission.objects.exists()


def test_a_suspended_submitter_cannot_submit(wy_submitter, raw_store):
    wy_submitter.is_active = False
    wy_submitter.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        submit(wy_submitter)


def _machine_client(organisation, scopes) -> MachineClient:
    return MachineClient.objects.create(organisation=organisation, name="Force RMS", scopes=scopes,
                                        token_prefix="cl_test", token_hash="0" * 64,
                                        expires_at=timezone.now() + timedelta(days=30))


def test_a_machine_client_with_the_submit_scope_submits_for_its_force(west_yorkshire_police, raw_store):
    client = _machine_client(west_yorkshire_police, [MachineClientScope.RETURNS_SUBMIT])

    submission = return_submit(content=as_json(sample_return()), filename="r.json", form="json", actor=client,
                               organisation=west_yorkshire_police)

    assert submission.status == SubmissionStatus.ACCEPTED
    assert (submission.machine_client, submission.submitted_by) == (client, None)


def test_a_machine_client_without_the_submit_scope_cannot(west_yorkshire_police, raw_store):
    client = _machine_client(west_yorkshire_police, [MachineClientScope.RETURNS_READ])

    with pytest.raises(PermissionDenied):
        return_submit(content=as_json(sample_return()), filename="r.json", form="json", actor=client,
                      organisation=west_yorkshire_police)
