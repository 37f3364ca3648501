import pytest

from crossline.reference.lookups import find_council

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["Kent", "Kent County Council", "E10000016", "kent county council"])
def test_an_upper_tier_county_council_with_its_districts(text):
    council = find_council(text)
    assert (council.code, council.name, council.police_force.code) == ("E10000016", "Kent", "E23000032")
    assert len(council.local_authorities) == 12
    assert {authority.police_force.code for authority in council.local_authorities} == {"E23000032"}
    assert "Maidstone" in {authority.name for authority in council.local_authorities}


def test_lancashire_county_council():
    council = find_council("Lancashire County Council")
    assert council.code == "E10000017"
    assert council.police_force.force_name == "Lancashire Constabulary"
    # Blackpool and Blackburn with Darwen are unitary: not under the county council.
    assert "Blackpool" not in {authority.name for authority in council.local_authorities}


@pytest.mark.parametrize(("text", "code"), [
    ("Leeds City Council", "E08000035"), ("North Yorkshire", "E06000065"), ("Hull", "E06000010"),
    ("E07000165", "E06000065"),
])
def test_a_district_or_unitary_council_is_a_council_of_one(text, code):
    council = find_council(text)
    assert council.code == code
    assert [authority.gss_code for authority in council.local_authorities] == [code]


@pytest.mark.parametrize("text", ["West Yorkshire Police", "Yorkshire", "London", "", None])
def test_not_a_council(text):
    assert find_council(text) is None
