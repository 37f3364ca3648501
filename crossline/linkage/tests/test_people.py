"""People link on what forces record about them (names and nicknames, dates of birth however
slipped, phones, addresses, PNC ids), and not on a shared common name alone."""

import pytest

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import CandidatePair, CommonValue, EntityMember, LinkHow
from crossline.linkage.tests.support import background_people, entity_of, line, person, resolve, submit_return

pytestmark = pytest.mark.django_db
MERSEYSIDE = "E23000004"


def test_two_different_john_smiths_with_different_dates_of_birth_stay_apart():
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-1", "Smith", "John", "1990-02-03", gender="male", postcode="LS9 8AB")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person("NY-P-1", "Smith", "John", "1985-07-21", gender="male", postcode="YO1 7HH")])

    resolve()

    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") != entity_of("person", NORTH_YORKSHIRE, "NY-P-1")
    assert not CandidatePair.objects.exists()  # not even worth an analyst's time


def test_one_person_written_differently_by_two_forces_is_one_person():
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[
        person("WY-P-1", "Smith", "Jonathan", "2009-02-03", gender="male", phone_numbers=["07700 900555"], factors=("under_18",),
               address="12 Example Road, Leeds", postcode="LS9 8AB")])
    # A nickname, the day and month of birth swapped, the number and address written another way.
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[
        person("NY-P-4", "SMITH", "Jon", "03/02/2009", gender="male", phone_numbers=["+447700900555"], factors=("under_18",),
               address="12 Example Rd Leeds", postcode="ls98ab")])

    resolve()

    one = entity_of("person", WEST_YORKSHIRE, "WY-P-1")
    assert entity_of("person", NORTH_YORKSHIRE, "NY-P-4") == one
    assert EntityMember.objects.get(entity_id=one, force_id=NORTH_YORKSHIRE).how == LinkHow.PROBABILISTIC


def test_a_pnc_id_links_whatever_the_names_say():
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[person("WY-P-2", "O'Brien", "Dean", pnc_id="09/123456C")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[person("NY-P-2", None, None, aliases=["Deano"],
                                                                pnc_id="09/0123456C")])

    resolve()

    assert entity_of("person", WEST_YORKSHIRE, "WY-P-2") == entity_of("person", NORTH_YORKSHIRE, "NY-P-2")


def test_a_number_many_unrelated_people_share_is_dropped_and_kept_for_later_runs():
    switchboard = "01632 960001"
    people = [person(f"MP-P-{n}", surname, forename, dob, phone_numbers=[switchboard])
              for n, (surname, forename, dob) in enumerate([
                  ("Adams", "Ava", "1990-01-01"), ("Brown", "Ben", "1991-02-02"), ("Clark", "Cal", "1992-03-03"),
                  ("Davis", "Dee", "1993-04-04")])]
    submit_return(MERSEYSIDE, "2026-10-31", people=people)

    run = resolve()

    assert run.counts["person"]["dropped_values"] == {"phone": 1}
    assert list(CommonValue.objects.values_list("field", "value")) == [("phone", "+441632960001")]
    assert len({entity_of("person", MERSEYSIDE, f"MP-P-{n}") for n in range(4)}) == 4


def test_typos_in_both_names_still_meet_on_the_same_date_of_birth_and_deal_line():
    # An unseen return set (acceptance/) had this runner apart: no name-based block paired them.
    submit_return(NORTH_YORKSHIRE, "2026-10-31",
                  lines=[line("NY-L-9", "TOMMY", ["07700 900611"])],
                  people=[person("NY-N-308", "Pryce", "Jordan", "2003-02-27", gender="male", roles=("runner",),
                                 line_refs=["NY-L-9"])] + background_people(seed=5))
    submit_return(MERSEYSIDE, "2026-10-31",
                  lines=[line("MER-L-1", "Tommy", ["+447700900611"], exporting="E23000004")],
                  people=[person("MER-PR-13", "Price", "Jordon", "27/02/2003", gender="male", roles=("runner",),
                                 line_refs=["MER-L-1"])])

    resolve()

    pair = (entity_of("person", NORTH_YORKSHIRE, "NY-N-308"), entity_of("person", MERSEYSIDE, "MER-PR-13"))
    queued = CandidatePair.objects.filter(left_ref__in=("NY-N-308", "MER-PR-13"), right_ref__in=("NY-N-308", "MER-PR-13"))
    assert pair[0] == pair[1] or queued.exists()
