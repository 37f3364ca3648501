"""No number, id or address in the synthetic data can belong to a real person."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossline.reference.postcodes import postcode_district
from crossline.returns.normalise import normalise_phone, normalise_pnc, normalise_vrm
from crossline.synthetic.identifiers import (
    MOBILE_CAPACITY,
    PHONE_STYLES,
    PhonePoolExhausted,
    assert_fictional,
    mobile_number,
    phone_variant,
    pnc_id,
)
from crossline.synthetic.refdata import geography
from crossline.synthetic.tests.conftest import records, return_files

PHONE_COLUMNS = ("deal_numbers", "phone_numbers")


def _cells(folder, column):
    for path in return_files(folder):
        for _sheet, cells in records(path):
            value = cells.get(column)
            if value is not None:
                yield from (value if isinstance(value, list) else str(value).split(";"))


def test_the_first_thousand_mobiles_are_ofcoms_drama_range():
    assert mobile_number(0) == "07700 900000"
    assert mobile_number(999) == "07700 900999"
    assert mobile_number(1000) == "07700 901000"


@given(st.integers(min_value=0, max_value=MOBILE_CAPACITY - 1), st.sampled_from(PHONE_STYLES))
def test_every_pool_number_is_possible_unallocated_and_reads_back_the_same(index, style):
    number = mobile_number(index)
    assert_fictional(number)
    assert normalise_phone(phone_variant(number, style)) == normalise_phone(number)


def test_the_pool_refuses_to_run_past_its_end():
    with pytest.raises(PhonePoolExhausted):
        mobile_number(MOBILE_CAPACITY)


@pytest.mark.parametrize("real", ["07911 123456", "020 7946 0000", "+44 7400 123456"])
def test_a_real_looking_number_is_not_fictional(real):
    with pytest.raises(ValueError):
        assert_fictional(real)


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=1, max_value=9_999_999), st.booleans())
def test_pnc_ids_carry_the_check_letter_the_platform_expects(year, serial, pad):
    assert normalise_pnc(pnc_id(year, serial, pad=pad)).key == pnc_id(year, serial)


def test_every_phone_number_written_is_fictional(tiny_returns):
    numbers = [n for column in PHONE_COLUMNS for n in _cells(tiny_returns, column)]
    assert len(numbers) > 50
    for number in numbers:
        assert_fictional(normalise_phone(number.strip()))


def test_pnc_ids_vrms_and_postcode_districts_are_well_formed_and_real_districts(tiny_returns):
    districts = {d for council in geography().districts_by_council.values() for d, _count in council}
    for pnc in _cells(tiny_returns, "pnc_id"):
        normalise_pnc(pnc)
    for vrm in _cells(tiny_returns, "vrm"):
        assert normalise_vrm(vrm)[:2].isalpha() and normalise_vrm(vrm)[2:4].isdigit()
    postcodes = list(_cells(tiny_returns, "postcode"))
    assert postcodes
    assert all(postcode_district(code) in districts for code in postcodes)
