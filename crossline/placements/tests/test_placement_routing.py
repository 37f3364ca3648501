"""Routing is total: whatever postcode text a notification carries, it is held by exactly one host
force or by the national triage desk, never neither and never both (REL-11)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossline.organisations.models import OrganisationKind
from crossline.placements.models import HOST_PURPOSES, Delivery, DeliveryChannel, Status
from crossline.placements.routing import forces_to_confirm, route_placement
from crossline.placements.selectors import placement_invariant_breaks
from crossline.placements.tests.conftest import AMBIGUOUS_POSTCODE, UNKNOWN_POSTCODE, notify
from crossline.reference.lookups import locate_postcode

pytestmark = pytest.mark.django_db

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Text shaped like postcodes (most real, many not) and anything else at all.
postcode_like = st.builds(
    lambda area, district, sector, unit, space: f"{area}{district}{space}{sector}{unit}",
    st.text(LETTERS, min_size=1, max_size=2), st.integers(0, 99).map(str), st.integers(0, 9).map(str),
    st.text(LETTERS, min_size=2, max_size=2), st.sampled_from(["", " ", "  "]),
)
any_text = st.one_of(postcode_like, st.text(max_size=12), st.sampled_from(
    ["HG1 2AB", AMBIGUOUS_POSTCODE, UNKNOWN_POSTCODE, "LS1 4AP", "BD20", "BFPO 1234", "GIR 0AA", ""]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text, confirm=st.sampled_from([None, "E23000009", "E23000010", "E23000004", "nonsense"]))
def test_any_postcode_text_routes_to_one_force_organisation_or_to_triage(db, text, confirm):
    route = route_placement(text, confirmed_force_code=confirm)
    if route.to_triage:
        assert route.host_force_organisation is None
    else:
        assert route.host_force_organisation.kind == OrganisationKind.POLICE_FORCE
        assert route.host_force_organisation.police_force == route.host_force
    if route.confirmed_by_placer:
        assert route.host_force in forces_to_confirm(route.location)
    assert route.reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=postcode_like, confirm=st.sampled_from([None, "E23000009"]))
def test_every_notification_made_is_held_exactly_once(council_officer, text, confirm):
    from django.core.exceptions import ValidationError

    try:
        notification = notify(council_officer, postcode=text, confirmed_host_force_code=confirm)
    except ValidationError as refused:
        assert set(refused.message_dict) == {"postcode"}  # only a non-postcode is refused
        return
    held = Delivery.objects.filter(notification=notification, purpose__in=HOST_PURPOSES,
                                   channel=DeliveryChannel.IN_SERVICE)
    assert held.count() == 1
    assert (notification.status == Status.IN_TRIAGE) == (notification.host_force_organisation is None)
    assert placement_invariant_breaks() == []


def test_an_ambiguous_district_goes_to_triage_unless_the_officer_confirms_a_force_in_it(
        council_officer, north_yorkshire_police):
    location = locate_postcode(AMBIGUOUS_POSTCODE)
    assert location.confidence == "ambiguous"
    assert [force.code for force in forces_to_confirm(location)] == ["E23000010", "E23000009"]

    assert notify(council_officer, postcode=AMBIGUOUS_POSTCODE).status == Status.IN_TRIAGE
    confirmed = notify(council_officer, postcode=AMBIGUOUS_POSTCODE, confirmed_host_force_code="E23000009")
    assert confirmed.host_force_organisation == north_yorkshire_police and confirmed.host_force_confirmed_by_placer
    assert confirmed.host_local_authority.gss_code == "E06000065"
    # A force that does not cover any of the district is not a confirmation.
    elsewhere = notify(council_officer, postcode=AMBIGUOUS_POSTCODE, confirmed_host_force_code="E23000004")
    assert elsewhere.status == Status.IN_TRIAGE


def test_a_confirmation_never_overrides_a_clear_location(council_officer, north_yorkshire_police):
    notification = notify(council_officer, postcode="HG1 2AB", confirmed_host_force_code="E23000010")
    assert notification.host_force_organisation == north_yorkshire_police
    assert not notification.host_force_confirmed_by_placer


def test_a_force_not_on_crossline_goes_to_triage(council_officer, north_yorkshire_police):
    north_yorkshire_police.is_active = False
    north_yorkshire_police.save(update_fields=["is_active"])
    notification = notify(council_officer)
    assert notification.status == Status.IN_TRIAGE
    assert "does not use Crossline" in notification.timeline.get(title="Sent to the national triage desk").detail
