"""Places on one street are told apart by their house and flat numbers: "1 High Street" and
"5 High Street" share a postcode and differ by one keystroke, and are two places; the same
number written another way is the same place."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.engine.names import address_key, house_numbers
from crossline.linkage.tests.support import entity_of, location, resolve, submit_return


def test_an_address_s_numbers_are_its_house_and_flat_numbers_not_its_postcode():
    assert house_numbers(address_key("Flat 2, 10 High St, Malton")) == "2 10"
    assert house_numbers(address_key("10, High Street, Malton")) == house_numbers(address_key("10 High St")) == "10"
    assert house_numbers(address_key("12a Harrow Rd")) == "12a"
    assert house_numbers(address_key("12 Harrow Rd, Scarborough YO11 2AB")) == "12"  # "yo11", "2ab": postcode
    assert house_numbers(address_key("The Old Mill, Malton")) is None
    assert house_numbers(None) is None


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["St", "Street", "ST.", "street,"]))
def test_the_same_number_written_any_way_is_the_same_number(number, street):
    assert house_numbers(address_key(f"{number}, High {street} Malton")) == str(number)


@pytest.mark.django_db
def test_neighbours_and_flats_on_one_street_stay_apart_and_one_place_written_twice_is_one():
    submit_return(WEST_YORKSHIRE, "2026-10-31", locations=[
        location("WY-LOC-1", "trap_house", "1 High Street, Malton", "YO17 7AA"),
        location("WY-LOC-2", "trap_house", "Flat 2, 10 High St, Malton", "YO17 7AA"),
        location("WY-LOC-3", "trap_house", "10 High St, Malton", "YO17 7AB"),
        location("WY-LOC-4", "stash", "22 High St, Malton", "YO17 7AD")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", locations=[
        location("NY-LOC-1", "trap_house", "5 High Street, Malton", "YO17 7AA"),
        location("NY-LOC-2", "trap_house", "Flat 3, 10 High St, Malton", "YO17 7AA"),
        location("NY-LOC-3", "trap_house", "10, High Street, Malton", "YO17 7AB"),
        # The street mistyped: the same house, found by the model rather than by its key.
        location("NY-LOC-4", "stash", "22 Hihg Street, Malton", "YO17 7AD")])

    resolve()

    def same(left: str, right: str) -> bool:
        return entity_of("location", WEST_YORKSHIRE, left) == entity_of("location", NORTH_YORKSHIRE, right)

    assert not same("WY-LOC-1", "NY-LOC-1")  # 1 and 5 High Street
    assert not same("WY-LOC-2", "NY-LOC-2")  # flats 2 and 3 of number 10
    assert same("WY-LOC-3", "NY-LOC-3")
    assert same("WY-LOC-4", "NY-LOC-4")
