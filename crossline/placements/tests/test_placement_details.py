"""Bad details are refused with a message on each field at fault, and nothing is made."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crossline.placements.models import Delivery, PlacementNotification
from crossline.placements.tests.conftest import notify

pytestmark = pytest.mark.django_db


def refused(actor, **changes) -> dict:
    with pytest.raises(ValidationError) as error:
        notify(actor, **changes)
    assert not PlacementNotification.objects.exists() and not Delivery.objects.exists()
    return error.value.message_dict


def test_each_wrong_field_is_named(council_officer):
    today = timezone.localdate()
    errors = refused(council_officer, child_surname=" ", postcode="not a postcode", nhs_number="943 476 5918",
                     social_worker_email="sam@", date_of_birth=today + timedelta(days=1),
                     planned_end_date=today - timedelta(days=1), legal_status="other", gender="robot")
    assert set(errors) == {"child_surname", "postcode", "nhs_number", "social_worker_email", "date_of_birth",
                           "planned_end_date", "legal_status_other", "gender"}
    assert errors["postcode"] == ["Enter a full UK postcode, like HG1 2AB"]


def test_the_child_must_be_under_18_when_placed(council_officer):
    today = timezone.localdate()
    errors = refused(council_officer, date_of_birth=today.replace(year=today.year - 18))
    assert errors == {"date_of_birth": ["The child must be under 18 when the placement starts"]}


def test_a_start_date_years_away_is_a_slip(council_officer):
    errors = refused(council_officer, start_date=timezone.localdate() + timedelta(days=800), planned_end_date=None)
    assert errors == {"start_date": ["The placement must start within the next year"]}


def test_text_with_a_nul_is_refused(council_officer):
    assert "provider_name" in refused(council_officer, provider_name="Dales\x00View")


def test_only_a_council_may_notify(wy_analyst, nhs_lead, pcc_viewer):
    from django.core.exceptions import PermissionDenied

    for someone in (wy_analyst, nhs_lead, pcc_viewer):
        with pytest.raises(PermissionDenied):
            notify(someone)
    assert not PlacementNotification.objects.exists()
