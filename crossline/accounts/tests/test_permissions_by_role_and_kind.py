import pytest

from crossline.accounts.roles import (
    CREATE_PLACEMENT,
    SEARCH_AUDIT,
    SUBMIT_RETURN,
    VIEW_AGGREGATES,
    VIEW_PERSONAL_DATA,
    VIEW_RETURNS,
)
from crossline.conftest import make_user


@pytest.mark.django_db
def test_permissions_follow_role_and_organisation_kind(wy_analyst, wy_submitter, council_officer, nhs_lead,
                                                       national_coordinator, pcc_viewer, outsider, wy_auditor):
    assert wy_submitter.has_perm(SUBMIT_RETURN) and not wy_analyst.has_perm(SUBMIT_RETURN)
    assert wy_analyst.has_perm(VIEW_RETURNS) and not council_officer.has_perm(VIEW_RETURNS)
    assert council_officer.has_perm(CREATE_PLACEMENT) and not nhs_lead.has_perm(CREATE_PLACEMENT)
    assert pcc_viewer.has_perm(VIEW_AGGREGATES) and not pcc_viewer.has_perm(VIEW_PERSONAL_DATA)
    assert national_coordinator.has_perm("crossline.coordinate_tasking")
    assert not wy_analyst.has_perm("crossline.coordinate_tasking")
    assert wy_auditor.has_perm(SEARCH_AUDIT) and not wy_analyst.has_perm(SEARCH_AUDIT)
    assert outsider.get_all_permissions() == set()


@pytest.mark.django_db
def test_a_council_user_given_a_police_role_still_cannot_see_police_intelligence(leeds_council):
    mistaken = make_user(leeds_council, "analyst", "submitter")
    assert not mistaken.has_perm(VIEW_RETURNS) and not mistaken.has_perm(SUBMIT_RETURN)


@pytest.mark.django_db
def test_a_pcc_office_never_holds_personal_data_rights_whatever_its_roles(west_yorkshire_pcc):
    user = make_user(west_yorkshire_pcc, "analyst", "partner_viewer", "safeguarding_officer", "oversight_viewer")
    assert user.get_all_permissions() == {VIEW_AGGREGATES}


@pytest.mark.django_db
def test_a_suspended_user_has_no_permissions(wy_analyst):
    wy_analyst.is_active = False
    assert wy_analyst.get_all_permissions() == set()
