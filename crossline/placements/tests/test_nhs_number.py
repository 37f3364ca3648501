"""NHS numbers: ten digits whose last is the modulus 11 check digit of the first nine."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from crossline.placements.details import nhs_number_normalise


def check_digit(nine: str) -> int:
    remainder = sum(int(digit) * weight for digit, weight in zip(nine, range(10, 1, -1), strict=True)) % 11
    return {0: 0, 1: 10}.get(remainder, 11 - remainder)  # 11 - 0 = 11 means 0; 11 - 1 = 10 means invalid


@pytest.mark.parametrize("written", ["943 476 5919", "9434765919", "943-476-5919", " 943 476 5919 "])
def test_a_valid_number_however_written(written):
    assert nhs_number_normalise(written) == "9434765919"


@pytest.mark.parametrize(("written", "message"), [
    ("943 476 5918", "not a valid NHS number"),
    ("123456789", "10 digits"),
    ("94347659190", "10 digits"),
    ("943 476 591A", "10 digits"),
    ("", "10 digits"),
])
def test_invalid_numbers_are_refused_with_a_reason(written, message):
    with pytest.raises(ValidationError, match=message):
        nhs_number_normalise(written)


@given(st.text("0123456789", min_size=9, max_size=9))
def test_exactly_the_right_check_digit_is_accepted(nine):
    expected = check_digit(nine)
    for last in range(10):
        number = nine + str(last)
        if last == expected:
            assert nhs_number_normalise(number) == number
        else:
            with pytest.raises(ValidationError):
                nhs_number_normalise(number)


@given(st.text(max_size=30))
def test_any_text_is_accepted_or_refused_never_crashes(text):
    try:
        digits = nhs_number_normalise(text)
    except ValidationError:
        return
    assert len(digits) == 10 and digits.isdigit()
