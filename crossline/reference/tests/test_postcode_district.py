import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossline.reference.postcodes import normalise_postcode, postcode_district


@pytest.mark.parametrize(("text", "district"), [
    ("LS1 4AP", "LS1"), ("ls14ap", "LS1"), ("EC1A 1BB", "EC1A"), ("M1 1AE", "M1"), ("GIR 0AA", "GIR"),
    ("LS1", "LS1"), (" ls1 ", "LS1"), ("ec1a", "EC1A"), ("BD20", "BD20"), ("W1A", "W1A"),
])
def test_the_district_of_a_postcode_or_a_bare_district(text, district):
    assert postcode_district(text) == district


@pytest.mark.parametrize("text", ["", "L", "LS", "LS1 4", "Leeds", "QS1", "BF1", "BFPO", "E23000010", None])
def test_not_a_district(text):
    assert postcode_district(text) is None


@given(st.text())
def test_never_raises_and_agrees_with_the_full_postcode(text):
    district = postcode_district(text)
    postcode = normalise_postcode(text)
    if postcode is not None:
        assert district == postcode.split(" ")[0]
    if district is not None:
        assert postcode_district(district) == district
