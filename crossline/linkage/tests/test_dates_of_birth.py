"""A date of birth keyed with two digits the wrong way round is still close (a common slip, and
rare between two people); dates of birth that differ entirely keep two people apart, even on
one deal line under nearly one name."""

import pytest

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import CandidatePair
from crossline.linkage.tests.support import background_people, entity_of, line, person, resolve, submit_return

pytestmark = pytest.mark.django_db
MERSEYSIDE = "E23000004"


def _two_records(left_dob: str, right_dob: str) -> tuple[int, int]:
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-1", "Henshaw", "Kieran", left_dob, gender="male", aliases=["Kaz"]), *background_people(300)])
    submit_return(MERSEYSIDE, "2026-10-31", people=[
        person("MER-P-1", "HENSHAW", "Kieran", right_dob, gender="male", aliases=["KAZ"])])
    resolve()
    return entity_of("person", WEST_YORKSHIRE, "WY-P-1"), entity_of("person", MERSEYSIDE, "MER-P-1")


@pytest.mark.parametrize("left_dob, right_dob", [("1997-05-12", "1979-05-12"), ("1997-05-12", "1997-05-21")],
                         ids=["year digits swapped", "day digits swapped"])
def test_a_date_of_birth_with_two_digits_swapped_still_links_one_person(left_dob, right_dob):
    left, right = _two_records(left_dob, right_dob)

    assert left == right


def test_a_date_of_birth_a_different_digit_apart_is_not_taken_for_a_slip():
    # 1990 and 1999: one keystroke, but as likely two people nine years apart in age.
    left, right = _two_records("1990-05-12", "1999-05-12")

    assert left != right


def test_people_on_one_deal_line_with_near_names_and_different_dates_of_birth_stay_apart():
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-2", "BIGLINE", ["07700 900222"])], people=[
        person("WY-P-10", "Adult10", "Sam", "1980-01-02", line_refs=["WY-L-2"], postcode="LS9 8AB"),
        *background_people(300)])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-2", "BIGLINE", ["07700900222"])], people=[
        person("NY-P-11", "Adult11", "Sam", "1981-01-03", line_refs=["NY-L-2"], postcode="LS9 8AB")])

    resolve()

    assert entity_of("line", WEST_YORKSHIRE, "WY-L-2") == entity_of("line", NORTH_YORKSHIRE, "NY-L-2")
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-10") != entity_of("person", NORTH_YORKSHIRE, "NY-P-11")
    pair = CandidatePair.objects.get(kind="person")  # left to an analyst, never linked on its own
    assert pair.match_probability < 0.97
    dob = next(reason for reason in pair.reasons if reason["field"] == "Date of birth or age")
    assert dob["level"] == "Different dates of birth or ages" and dob["weight"] < -6
