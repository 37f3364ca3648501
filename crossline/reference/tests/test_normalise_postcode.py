import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossline.reference.postcodes import normalise_postcode

# Outward codes of every shape, plus one the rules single out.
SHAPES = ["M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "LS1 4AP", "SW1A 1AA", "GIR 0AA"]


@pytest.mark.parametrize("text", ["LS1 4AP", "ls14ap", " LS1  4AP ", "ls1 4ap", "Ls1\t4aP", "LS14AP\n", "l s 1 4 a p"])
def test_any_spacing_or_case_gives_the_canonical_form(text):
    assert normalise_postcode(text) == "LS1 4AP"


@pytest.mark.parametrize("postcode", SHAPES)
def test_every_shape_of_postcode_is_accepted(postcode):
    assert normalise_postcode(postcode.replace(" ", "").lower()) == postcode


@pytest.mark.parametrize("text", [
    "", "   ", "LS1", "LS1 4A", "LS1 4APP", "LS1-4AP", "4AP LS1", "123 456",
    "QS1 4AP",  # Q never starts a postcode
    "LI1 1AA",  # I is never the second letter
    "LS1 4AC",  # C is never a unit letter
    "W1I 1AA",  # I never follows the district digit in A9A
    "BFPO 1234", "BFPO1234", "BF1 3AA",  # British Forces Post Office: not a place in England and Wales
    "LS1 4AP x", "ßS1 4AP", "ＬＳ１ ４ＡＰ",  # non-ASCII lookalikes
    None, 1234,
])
def test_what_is_not_a_postcode_gives_none(text):
    assert normalise_postcode(text) is None


@given(st.text())
def test_never_raises_and_is_idempotent(text):
    result = normalise_postcode(text)
    assert result is None or normalise_postcode(result) == result


@given(st.sampled_from(SHAPES), st.lists(st.sampled_from([" ", "  ", "\t", ""]), min_size=8, max_size=8),
       st.lists(st.booleans(), min_size=8, max_size=8))
def test_spacing_and_case_do_not_change_the_answer(postcode, gaps, lowers):
    squeezed = postcode.replace(" ", "")
    written = "".join(gap + (ch.lower() if lower else ch) for ch, gap, lower in zip(squeezed, gaps, lowers, strict=False))
    assert normalise_postcode(written) == postcode


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ", max_size=10))
def test_a_result_is_always_in_canonical_form(text):
    result = normalise_postcode(text)
    if result is not None:
        outward, inward = result.split(" ")
        assert result == result.upper().strip()
        assert 2 <= len(outward) <= 4 and len(inward) == 3
        assert normalise_postcode(text.swapcase()) == result
