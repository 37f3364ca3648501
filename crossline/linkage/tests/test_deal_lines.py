"""Deal lines link on a number both forces saw in use at the same time, however each writes it;
a number another line picked up later is no link."""

import pytest

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import CandidatePair, Entity, EntityMember, LinkHow
from crossline.linkage.tests.support import entity_of, line, resolve, submit_return

pytestmark = pytest.mark.django_db


def test_a_shared_deal_line_written_differently_by_two_forces_is_one_line():
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY/L/77", "Jay line", ["+44 7700 900123"])])

    run = resolve()

    one = entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    assert entity_of("line", NORTH_YORKSHIRE, "NY/L/77") == one
    entity = Entity.objects.get(pk=one)
    assert entity.force_codes == [NORTH_YORKSHIRE, WEST_YORKSHIRE]
    assert set(EntityMember.objects.filter(entity=entity).values_list("force_id", "how")) == {
        (WEST_YORKSHIRE, LinkHow.ALONE), (NORTH_YORKSHIRE, LinkHow.IDENTIFIER)}
    assert run.counts["line"]["entities"] == 1


def test_a_recycled_number_links_nothing_outside_the_months_it_was_used():
    submit_return(WEST_YORKSHIRE, "2026-06-30", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-9", "Tony", ["07700900123"])])

    resolve()

    assert entity_of("line", WEST_YORKSHIRE, "WY-L-1") != entity_of("line", NORTH_YORKSHIRE, "NY-L-9")


def test_a_force_s_own_reference_holds_its_line_together_across_months_and_new_numbers():
    submit_return(WEST_YORKSHIRE, "2026-09-30", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900456"])])
    # Another force saw only the new number: it links through West Yorkshire's reference.
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-2", None, ["07700 900456"])])

    resolve()

    one = entity_of("line", WEST_YORKSHIRE, "WY-L-1")
    assert EntityMember.objects.filter(entity_id=one, force_id=WEST_YORKSHIRE).count() == 2
    assert entity_of("line", NORTH_YORKSHIRE, "NY-L-2") == one


def test_the_same_number_at_the_same_time_under_different_names_waits_for_an_analyst():
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-3", "Rico", ["07700 900123"])])

    resolve()

    assert entity_of("line", WEST_YORKSHIRE, "WY-L-1") != entity_of("line", NORTH_YORKSHIRE, "NY-L-3")
    pair = CandidatePair.objects.get(kind="line")
    assert {(pair.left_force_id, pair.left_ref), (pair.right_force_id, pair.right_ref)} == {
        (WEST_YORKSHIRE, "WY-L-1"), (NORTH_YORKSHIRE, "NY-L-3")}
    assert [reason["level"] for reason in pair.reasons] == ["Same number in the same months", "Different line names"]
