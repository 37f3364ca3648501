"""Places on one street are told apart by their house and flat numbers: "1 High Street" and
"5 High Street" share a postcode and differ by one keystroke, and are two places; the same
number written another way is the same place. The people model weighs people's addresses the
same way: two people at neighbouring houses are not "one address, written differently"."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.engine import people
from crossline.linkage.engine.names import address_key, house_numbers
from crossline.linkage.engine.probabilistic import level_labels
from crossline.linkage.engine.records import snapshot_load
from crossline.linkage.engine.splink_run import predict
from crossline.linkage.services import linkage_model_active
from crossline.linkage.tests.support import entity_of, location, person, resolve, submit_return


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


@pytest.mark.django_db
def test_people_at_different_numbers_of_one_street_are_not_weighed_as_one_address():
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-1", "Henshaw", "Kieran", "1990-03-04", address="1 High St, Malton", postcode="YO17 7AA"),
        person("WY-P-2", "Pryce", "Jordan", address="Flat 2, 10 High St, Malton", postcode="YO17 7AB"),
        person("WY-P-3", "Doyle", "Liam", "1995-06-07", address="10 High St, Malton", postcode="YO17 7AD"),
        person("WY-P-4", "Rudd", "Tom", "1993-01-02", address="22 High Street, Malton", postcode="YO17 7AE"),
        person("WY-P-5", "Shaw", "Amy", "1999-11-12", address="Flat 2, 30 High St, Malton", postcode="YO17 7AF")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person("NY-P-1", "Marsh", "Kelly", "1984-08-09", address="5 High Street, Malton", postcode="YO17 7AA"),
        person("NY-P-2", "Stott", "Jade", address="Flat 3, 10 High St, Malton", postcode="YO17 7AB"),
        person("NY-P-3", "Doyle", "Liam", "1995-06-07", address="10, High Street, Malton", postcode="YO17 7AD"),
        person("NY-P-4", "Rudd", "Tom", "1993-01-02", address="22 Hihg Street, Malton", postcode="YO17 7AE"),
        person("NY-P-5", "Shaw", "Amy", "1999-11-12", address="30 High St, Malton", postcode="YO17 7AF")])
    snapshot = snapshot_load("person")
    model = linkage_model_active(kind="person").settings
    pairs = predict(model, people.profile_table(people.profile_rows(snapshot)), threshold=0.0,
                    structure=people.settings())
    labels = level_labels(model)["location"]

    def location_evidence(number: int) -> tuple[str, float]:
        left, right = snapshot.index[(WEST_YORKSHIRE, f"WY-P-{number}")], snapshot.index[(NORTH_YORKSHIRE, f"NY-P-{number}")]
        gamma, weight = pairs[min(left, right), max(left, right)].levels["location"]
        return labels[gamma], weight

    # Two different people: 1 and 5 High Street; flats 2 and 3 of number 10. Evidence against.
    for neighbours in (1, 2):
        level, weight = location_evidence(neighbours)
        assert level == "Different house or flat number" and weight < 0
    # One person: the same house written another way, or with the street mistyped.
    assert location_evidence(3)[0] == "Same postcode and address"
    assert location_evidence(4)[0] == "Same address, written differently"
    assert min(location_evidence(number)[1] for number in (3, 4)) > 10
    # A flat of the house the other gives: no contradiction, so no evidence against.
    assert location_evidence(5)[0] == "Same postcode"
