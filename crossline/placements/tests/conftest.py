"""Placement test helpers: valid details, the host council and the triage desk's analyst."""

import dataclasses
from datetime import date, timedelta

import pytest
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.conftest import make_user
from crossline.organisations.models import OrganisationKind
from crossline.organisations.selectors import national_centre
from crossline.organisations.services import organisation_create
from crossline.placements.details import PlacementDetails
from crossline.placements.outbox import deliveries_dispatch
from crossline.placements.services import placement_notify
from crossline.reference.models import LocalAuthority

HOST_POSTCODE = "HG1 2AB"  # Harrogate: North Yorkshire Police, North Yorkshire Council (by district share)
AMBIGUOUS_POSTCODE = "BD20 0AA"  # split between West Yorkshire (66%) and North Yorkshire (34%)
UNKNOWN_POSTCODE = "EH1 1YZ"  # Edinburgh: not a district of England and Wales


def details(**changes) -> PlacementDetails:
    """A complete, valid notification: a 16-year-old placed in a children's home in Harrogate."""
    today = timezone.localdate()
    values = dict(
        child_forenames="Jay Lee", child_surname="Smith", date_of_birth=date(today.year - 16, 5, 1), gender="male",
        council_child_ref="LCC-000123", nhs_number="943 476 5919", legal_status="s31",
        risks=("criminal_exploitation", "county_lines", "missing_history"),
        known_associates="Older males in Chapeltown", risk_summary="Groomed to run drugs between Leeds and Harrogate.",
        placement_type="childrens_home", provider_name="Dales View Homes Ltd", address="1 Example Road, Harrogate",
        postcode=HOST_POSTCODE, start_date=today, planned_end_date=today + timedelta(days=180),
        social_worker_name="Sam Worker", social_worker_phone="0113 496 0001",
        social_worker_email="sam.worker@leeds.example.gov.uk", out_of_hours_contact="Leeds Emergency Duty Team",
        out_of_hours_phone="0113 496 0999", profile_description="5ft 6, slim, short dark hair, grey tracksuit.",
        profile_places="Harrogate bus station", profile_missing_history="Missing three times in 2026.",
    )
    values.update(changes)
    return PlacementDetails(**values)


def notify(actor, **changes):
    """Make a notification as `actor`; keyword arguments that are not details go to the service."""
    service_args = {name: changes.pop(name) for name in list(changes)
                    if name not in {f.name for f in dataclasses.fields(PlacementDetails)}}
    return placement_notify(details=details(**changes), actor=actor, **service_args)


def dispatch(**kwargs):
    return deliveries_dispatch(**kwargs)


@pytest.fixture
def north_yorkshire_council(db):
    return organisation_create(name="North Yorkshire Council", kind=OrganisationKind.LOCAL_AUTHORITY,
                               local_authority=LocalAuthority.objects.get(gss_code="E06000065"))


@pytest.fixture
def host_council_officer(north_yorkshire_council):
    return make_user(north_yorkshire_council, Role.SAFEGUARDING_OFFICER, full_name="Harriet Host")


@pytest.fixture
def triage_analyst(db):
    return make_user(national_centre(), Role.ANALYST, full_name="Tara Triage")


@pytest.fixture
def purpose(client):
    """Sign-in helper that also states a purpose, as personal-data pages require."""

    def signed_in(user):
        from crossline.conftest import sign_in

        sign_in(client, user)
        session = client.session
        session["purpose_code"] = "placement_notification"
        session["purpose_text"] = "Safeguarding a placed child"
        session.save()
        return client

    return signed_in
