"""Analysts' decisions on candidate pairs: applied at once, audited, sticky through re-runs, and
refused when they contradict an earlier decision."""

import pytest
from django.core.exceptions import PermissionDenied

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import CandidatePair, Decision, Entity, MatchDecision, PairStatus
from crossline.linkage.services import DecisionConflict, match_decide
from crossline.linkage.tests.support import background_people, entity_of, person, resolve, submit_return

pytestmark = pytest.mark.django_db
MERSEYSIDE = "E23000004"


def _dean(ref: str, **extra) -> dict:
    return person(ref, "Walsh", "Dean", **({"age_estimate": 27} | extra), aliases=["Little D"], gender="male")


def _maybe_the_same():
    """Dean Walsh, about 27, known as Little D, in each force: nothing else to go on."""
    submit_return(MERSEYSIDE, "2026-10-31", people=background_people())
    for force, ref in ((WEST_YORKSHIRE, "WY-P-1"), (NORTH_YORKSHIRE, "NY-P-1")):
        submit_return(force, "2026-10-31", people=[_dean(ref)])
    resolve()
    return CandidatePair.objects.get(kind="person")


def test_a_pair_in_doubt_waits_with_its_reasons(national_coordinator):
    pair = _maybe_the_same()

    assert pair.status == PairStatus.OPEN
    assert 0.5 <= pair.match_probability < 0.97
    reasons = {reason["field"]: reason for reason in pair.reasons}
    assert reasons["Name"]["level"] == "Exact match on full_name" and reasons["Name"]["weight"] > 5
    assert reasons["Date of birth or age"]["agrees"] and reasons["Date of birth or age"]["weight"] > 0
    assert reasons["Address and postcode"]["weight"] is None  # not recorded: no evidence either way
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") != entity_of("person", NORTH_YORKSHIRE, "NY-P-1")


def test_a_rejected_pair_stays_apart_after_a_full_re_run(national_coordinator):
    pair = _maybe_the_same()
    match_decide(pair=pair, decision=Decision.REJECT, user=national_coordinator, note="Different mothers")
    # Stronger evidence arrives: the same date of birth from both. Still two people.
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[_dean("WY-P-1", date_of_birth="1999-04-04")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[_dean("NY-P-1", date_of_birth="1999-04-04")])

    resolve()

    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") != entity_of("person", NORTH_YORKSHIRE, "NY-P-1")
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED


def test_a_confirmed_pair_merges_now_and_after_every_run(national_coordinator):
    pair = _maybe_the_same()
    left = entity_of("person", WEST_YORKSHIRE, "WY-P-1")

    decision = match_decide(pair=pair, decision=Decision.CONFIRM, user=national_coordinator)

    assert entity_of("person", NORTH_YORKSHIRE, "NY-P-1") == entity_of("person", WEST_YORKSHIRE, "WY-P-1")
    resolve()
    assert entity_of("person", NORTH_YORKSHIRE, "NY-P-1") == entity_of("person", WEST_YORKSHIRE, "WY-P-1")
    assert Entity.objects.filter(pk=left).exists()
    event = AuditEvent.objects.get(object_type="linkage.MatchDecision")
    assert (event.action, event.object_refs, event.actor_id) == ("link", [str(decision.pk)], national_coordinator.pk)
    assert event.detail["decision"] == "confirm" and "merged" in event.detail


def test_a_confirmation_that_contradicts_a_rejection_is_refused_and_reported(national_coordinator):
    pair = _maybe_the_same()
    match_decide(pair=pair, decision=Decision.REJECT, user=national_coordinator)
    # A third record links to each side in turn: confirming both would join the rejected pair.
    submit_return("E23000011", "2026-10-31", people=[_dean("SY-P-1")])
    resolve()
    first, second = CandidatePair.objects.filter(status=PairStatus.OPEN).order_by("id")[:2]
    match_decide(pair=first, decision=Decision.CONFIRM, user=national_coordinator)

    with pytest.raises(DecisionConflict):
        match_decide(pair=second, decision=Decision.CONFIRM, user=national_coordinator)

    second.refresh_from_db()
    assert second.status == PairStatus.OPEN
    assert AuditEvent.objects.filter(detail__refused="contradicts a rejection").count() == 1


def test_decisions_are_kept_against_force_references_latest_first(national_coordinator):
    pair = _maybe_the_same()
    match_decide(pair=pair, decision=Decision.UNSURE, user=national_coordinator)
    pair.status = PairStatus.OPEN
    pair.save(update_fields=["status"])
    match_decide(pair=pair, decision=Decision.REJECT, user=national_coordinator)

    current = MatchDecision.objects.get(is_current=True)
    assert (current.decision, current.left_ref, current.right_ref) == ("reject", "NY-P-1", "WY-P-1")
    assert MatchDecision.objects.filter(is_current=False).count() == 1


def test_an_analyst_decides_only_pairs_whose_records_they_may_read(wy_analyst):
    pair = _maybe_the_same()
    with pytest.raises(PermissionDenied):
        match_decide(pair=pair, decision=Decision.CONFIRM, user=wy_analyst)


def test_a_run_reports_strong_evidence_held_apart_by_a_rejection(national_coordinator):
    pair = _maybe_the_same()
    match_decide(pair=pair, decision=Decision.REJECT, user=national_coordinator)
    # Both forces later record the same PNC id: the rejection holds, and the run says so.
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[_dean("WY-P-1", pnc_id="19/123456E")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[_dean("NY-P-1", pnc_id="19/0123456E")])

    run = resolve()

    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") != entity_of("person", NORTH_YORKSHIRE, "NY-P-1")
    (conflict,) = run.conflicts
    assert conflict["reason"] == "A shared identifier would join a rejected pair"
    assert conflict["evidence"] == {"field": "pnc"}
    assert sorted(map(tuple, conflict["rejected"])) == [(NORTH_YORKSHIRE, "NY-P-1"), (WEST_YORKSHIRE, "WY-P-1")]


def test_a_rejected_pair_stays_apart_after_crossline_resolve_full(national_coordinator, capsys):
    from django.core.management import call_command

    pair = _maybe_the_same()
    match_decide(pair=pair, decision=Decision.REJECT, user=national_coordinator, note="Different mothers")
    submit_return(WEST_YORKSHIRE, "2026-10-31", people=[_dean("WY-P-1", date_of_birth="1999-04-04")])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", people=[_dean("NY-P-1", date_of_birth="1999-04-04")])

    call_command("resolve", "--full")

    assert "Finished" in capsys.readouterr().out
    assert entity_of("person", WEST_YORKSHIRE, "WY-P-1") != entity_of("person", NORTH_YORKSHIRE, "NY-P-1")
    assert not CandidatePair.objects.filter(status=PairStatus.OPEN).exists()
