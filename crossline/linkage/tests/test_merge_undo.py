"""Undoing a merge: both entities come back (the absorbed one with its old number), every other
link stays, and no later run joins the pair again."""

import pytest

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import CandidatePair, Decision, Entity, EntityLink, LinkHow, MatchDecision
from crossline.linkage.services import match_decide, merge_undo
from crossline.linkage.tests.support import background_people, entity_of, person, resolve, submit_return

pytestmark = pytest.mark.django_db
MERSEYSIDE, SOUTH_YORKSHIRE = "E23000004", "E23000011"


def _dean(ref: str, **extra) -> dict:
    return person(ref, "Walsh", "Dean", age_estimate=27, aliases=["Little D"], gender="male", **extra)


@pytest.fixture
def merged(national_coordinator):
    """West and South Yorkshire's Dean share a PNC id; an analyst confirms North Yorkshire's."""
    submit_return(MERSEYSIDE, "2026-10-31", people=background_people())
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[_dean("WY-P-1", pnc_id="19/123456E")])
    submit_return(SOUTH_YORKSHIRE, "2026-10-31", people=[_dean("SY-P-1", pnc_id="19/0123456E")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[_dean("NY-P-1")])
    resolve()
    kept, absorbed = entity_of("person", WEST_YORKSHIRE, "WY-P-1"), entity_of("person", NORTH_YORKSHIRE, "NY-P-1")
    assert kept != absorbed
    pair = CandidatePair.objects.get(kind="person", status="open", right_force=WEST_YORKSHIRE)
    match_decide(pair=pair, decision=Decision.CONFIRM, user=national_coordinator)
    assert entity_of("person", NORTH_YORKSHIRE, "NY-P-1") == kept
    return kept, absorbed


def test_an_undone_merge_restores_both_entities(merged, national_coordinator):
    kept, absorbed = merged
    link = EntityLink.objects.get(entity_id=kept, how=LinkHow.ANALYST)

    left, right = merge_undo(link=link, user=national_coordinator, note="Different people: checked custody photos")

    assert (left.pk, right.pk) == (kept, absorbed)
    assert left.is_active and right.is_active
    assert entity_of("person", NORTH_YORKSHIRE, "NY-P-1") == absorbed
    # The PNC link between West and South Yorkshire is untouched.
    assert entity_of("person", SOUTH_YORKSHIRE, "SY-P-1") == kept
    assert EntityLink.objects.filter(entity_id=kept, how=LinkHow.IDENTIFIER).count() == 1
    assert (right.member_count, right.force_codes) == (1, [NORTH_YORKSHIRE])
    decision = MatchDecision.objects.get(is_current=True)
    assert (decision.decision, decision.undoes_link, decision.decided_by) == ("reject", True, national_coordinator)
    event = AuditEvent.objects.filter(object_type="linkage.Entity").get()
    assert event.object_refs == [str(kept), str(absorbed)] and event.detail["moved"] == 1


def test_an_undone_merge_stays_undone_after_a_full_re_run(merged, national_coordinator):
    kept, absorbed = merged
    merge_undo(link=EntityLink.objects.get(entity_id=kept, how=LinkHow.ANALYST), user=national_coordinator)

    resolve()

    assert entity_of("person", NORTH_YORKSHIRE, "NY-P-1") == absorbed
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") == entity_of("person", SOUTH_YORKSHIRE, "SY-P-1") == kept
    assert Entity.objects.filter(pk__in=merged, is_active=True).count() == 2


def test_undoing_an_automatic_link_splits_the_entity_and_the_run_keeps_it_split(national_coordinator):
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[_dean("WY-P-1", pnc_id="19/123456E")])
    submit_return(SOUTH_YORKSHIRE, "2026-10-31", people=[_dean("SY-P-1", pnc_id="19/0123456E")])
    resolve()
    link = EntityLink.objects.get(kind="person")

    one, other = merge_undo(link=link, user=national_coordinator)
    resolve()

    assert one.pk != other.pk
    assert {entity_of("person", WEST_YORKSHIRE, "WY-P-1"), entity_of("person", SOUTH_YORKSHIRE, "SY-P-1")} == {
        one.pk, other.pk}
