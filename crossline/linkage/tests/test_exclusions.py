"""The exclusion list: a value on it is never evidence, and changing the list is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import ExcludedValue
from crossline.linkage.services import excluded_value_add, excluded_value_remove
from crossline.linkage.tests.support import background_people, entity_of, person, resolve, submit_return

pytestmark = pytest.mark.django_db
CUSTODY = "Custody Suite, Central Police Station, Leeds"


def _two_jay_browns_in_custody():
    submit_return("E23000004", "2026-10-31", people=background_people())
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-1", "Brown", "Jay", age_estimate=27, address=CUSTODY, postcode="LS1 3BY")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person("NY-P-1", "Brown", "Jay", age_estimate=26, address=CUSTODY.upper(), postcode="LS1 3BY")])


def test_a_shared_custody_address_links_people_until_it_is_excluded(wy_analyst):
    _two_jay_browns_in_custody()
    resolve()
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") == entity_of("person", NORTH_YORKSHIRE, "NY-P-1")

    excluded_value_add(field="address", given=CUSTODY, category="custody", description="Leeds custody suite",
                       user=wy_analyst)
    resolve()

    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") != entity_of("person", NORTH_YORKSHIRE, "NY-P-1")


def test_values_are_kept_as_they_are_compared_and_changes_are_audited(wy_analyst):
    phone = excluded_value_add(field="phone", given="0113 496 0000", category="switchboard",
                               description="Force switchboard", user=wy_analyst)
    assert phone.value == "+441134960000"
    address = excluded_value_add(field="address", given="St James's Hospital, Leeds", category="hospital",
                                 description="A&E", user=wy_analyst)
    assert address.value == "st jamess hospital leeds"
    with pytest.raises(ValidationError):
        excluded_value_add(field="phone", given="+44 113 496 0000", category="switchboard", description="Again",
                           user=wy_analyst)
    with pytest.raises(ValidationError):
        excluded_value_add(field="postcode", given="not a postcode", category="other", description="x",
                           user=wy_analyst)
    excluded_value_remove(excluded=phone, user=wy_analyst)

    assert list(ExcludedValue.objects.values_list("field", flat=True)) == ["address"]
    assert [(event.action, event.object_type) for event in AuditEvent.objects.order_by("id")] == [
        ("create", "linkage.ExcludedValue"), ("create", "linkage.ExcludedValue"), ("delete", "linkage.ExcludedValue")]


def test_only_people_who_review_matches_change_the_list(wy_submitter):
    with pytest.raises(PermissionDenied):
        excluded_value_add(field="phone", given="101", category="helpline", description="101", user=wy_submitter)
