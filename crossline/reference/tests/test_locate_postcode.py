from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossline.reference.lookups import CLEAR_MAJORITY, Confidence, locate_postcode
from crossline.reference.models import Postcode

pytestmark = pytest.mark.django_db


def test_leeds_from_its_district():
    location = locate_postcode("LS1 4AP")
    assert location.postcode == "LS1 4AP"
    assert location.district == "LS1"
    assert location.confidence == Confidence.DISTRICT
    assert location.police_force.force_name == "West Yorkshire Police"
    assert location.local_authority.name == "Leeds"
    assert location.force_share == Decimal("1.0000")


def test_harrogate_is_in_the_north_yorkshire_unitary_council():
    location = locate_postcode("hg1 1aa")
    assert location.police_force.code == "E23000009"
    assert location.local_authority.gss_code == "E06000065"
    assert location.local_authority.name == "North Yorkshire"


def test_a_district_mostly_in_one_force_goes_to_it_and_shows_its_shares():
    # LS29 (Ilkley): 97% West Yorkshire (Bradford 93%, Leeds 4%), 3% North Yorkshire.
    location = locate_postcode("LS29 9AA")
    assert location.confidence == Confidence.DISTRICT
    assert location.police_force.code == "E23000010"
    assert location.local_authority.name == "Bradford"
    assert location.force_share == Decimal("0.9707")
    assert [(s.police_force.code, s.local_authority.name, s.share) for s in location.shares] == [
        ("E23000010", "Bradford", Decimal("0.9342")),
        ("E23000010", "Leeds", Decimal("0.0365")),
        ("E23000009", "North Yorkshire", Decimal("0.0293")),
    ]


def test_a_cross_border_district_with_no_clear_majority_is_ambiguous():
    # BD20 (Keighley and Craven): 66% West Yorkshire, 34% North Yorkshire.
    location = locate_postcode("BD20 5AA")
    assert location.confidence == Confidence.AMBIGUOUS
    assert location.police_force is None and location.local_authority is None
    assert [(s.police_force.code, s.local_authority.gss_code, s.share) for s in location.shares] == [
        ("E23000010", "E08000032", Decimal("0.6604")),
        ("E23000009", "E06000065", Decimal("0.3396")),
    ]
    assert max(s.share for s in location.shares) < CLEAR_MAJORITY


def test_a_full_postcode_in_the_directory_is_exact_even_in_an_ambiguous_district():
    Postcode.objects.create(postcode="BD20 8LN", local_authority_id="E06000065", police_force_id="E23000009")
    location = locate_postcode("bd208ln")
    assert location.confidence == Confidence.EXACT
    assert (location.police_force.code, location.local_authority.gss_code) == ("E23000009", "E06000065")
    assert len(location.shares) == 2  # the district's split is still there to show


def test_a_terminated_postcode_is_still_placed_exactly():
    Postcode.objects.create(postcode="LS2 8QH", local_authority_id="E08000035", police_force_id="E23000010",
                            terminated=True)
    location = locate_postcode("LS2 8QH")
    assert location.confidence == Confidence.EXACT and location.terminated


def test_a_bare_district():
    location = locate_postcode("LS1")
    assert (location.postcode, location.district, location.confidence) == (None, "LS1", Confidence.DISTRICT)
    assert location.police_force.code == "E23000010"


def test_a_district_not_in_the_reference_data_is_unknown():
    for text in ("EH1 1YZ", "GIR 0AA", "BT1 5GS"):  # Scotland, Girobank, Northern Ireland
        location = locate_postcode(text)
        assert location.confidence == Confidence.UNKNOWN
        assert location.postcode == text and location.police_force is None and location.shares == ()


@pytest.mark.parametrize("text", ["", "Leeds", "LS1 4", "BFPO 1234", "12345", None])
def test_not_a_postcode_is_invalid(text):
    location = locate_postcode(text)
    assert location.confidence == Confidence.INVALID
    assert location.postcode is None and location.district is None and location.police_force is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12) | st.from_regex(r"[A-Z]{1,2}[0-9]{1,2} ?[0-9][A-Z]{2}", fullmatch=True))
def test_every_answer_is_one_force_or_says_why_not(text):
    """REL-11: a notification routed by postcode lands in one force, or the answer says it cannot."""
    location = locate_postcode(text)
    if location.confidence in (Confidence.EXACT, Confidence.DISTRICT):
        assert location.police_force is not None
    else:
        assert location.police_force is None
    if location.confidence == Confidence.AMBIGUOUS:
        assert len({s.police_force for s in location.shares}) > 1
