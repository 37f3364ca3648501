"""The hash chain: verification passes on an untouched trail and catches any single edit."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossline.audit.models import ActorKind, AuditAction, AuditEvent, PurposeCode
from crossline.audit.selectors import CHAIN_BROKEN, ROW_CHANGED, audit_chain_stream, chain_breaks
from crossline.audit.services import audit_record
from crossline.audit.tests.support import remove, tamper

pytestmark = pytest.mark.django_db

# Text PostgreSQL can store (no NUL, no lone surrogates).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
SHORT_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
HEX64 = st.text("0123456789abcdef", min_size=64, max_size=64)
JSON_SCALARS = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | SHORT_TEXT

EVENTS = st.fixed_dictionaries({
    "action": st.sampled_from(AuditAction.values),
    "object_type": st.sampled_from(["", "returns.Person", "accounts.User", "placements.Notification"]),
    "object_refs": st.lists(SHORT_TEXT, max_size=3),
    "purpose_code": st.none() | st.sampled_from(PurposeCode.values),
    "purpose_text": st.none() | TEXT,
    "recipients": st.lists(SHORT_TEXT, max_size=2),
    "detail": st.dictionaries(SHORT_TEXT, JSON_SCALARS, max_size=3),
})

NEW_VALUES = {
    "occurred_at": None,  # shifted from the old value below
    "actor_kind": st.sampled_from(ActorKind.values),
    "actor_id": st.none() | st.integers(0, 2**62),
    "actor_username": SHORT_TEXT,
    "actor_machine_client_id": st.none() | st.integers(0, 2**62),
    "organisation_id": st.none() | st.integers(0, 2**62),
    "organisation_name": SHORT_TEXT,
    "roles": st.lists(SHORT_TEXT, max_size=3),
    "action": st.sampled_from(AuditAction.values),
    "object_type": SHORT_TEXT,
    "object_refs": st.lists(SHORT_TEXT, max_size=3),
    "client_ip": SHORT_TEXT,
    "request_id": SHORT_TEXT,
    "purpose_code": SHORT_TEXT,
    "purpose_text": TEXT,
    "recipients": st.lists(SHORT_TEXT, max_size=3),
    "detail": st.dictionaries(SHORT_TEXT, JSON_SCALARS, max_size=3),
    "prev_hash": HEX64,
    "row_hash": HEX64,
}


def _new_value(data, field, old):
    if field == "occurred_at":
        shift = data.draw(st.integers(1, 10**12)) * data.draw(st.sampled_from([1, -1]))
        return old + timedelta(microseconds=shift)
    return data.draw(NEW_VALUES[field].filter(lambda value: value != old))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=st.lists(EVENTS, min_size=1, max_size=6), data=st.data())
def test_any_single_field_changed_in_any_record_is_detected(wy_analyst, events, data):
    with transaction.atomic():
        actors = data.draw(st.lists(st.sampled_from([None, wy_analyst]), min_size=len(events), max_size=len(events)))
        written = [audit_record(actor=actor, **event) for actor, event in zip(actors, events, strict=True)]
        assert list(chain_breaks(audit_chain_stream())) == []

        victim = data.draw(st.sampled_from(written))
        field = data.draw(st.sampled_from(sorted(NEW_VALUES)))
        tamper(victim.pk, **{field: _new_value(data, field, getattr(victim, field))})

        assert victim.pk in {found.event_id for found in chain_breaks(audit_chain_stream())}
        transaction.set_rollback(True)


def _verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_verify_reports_an_untouched_trail_as_verified():
    for _ in range(5):
        audit_record(action=AuditAction.VIEW, object_type="returns.Person", object_refs=["1"])

    status, out, _ = _verify()

    assert status == 0
    assert f"Audit chain verified: {AuditEvent.objects.count()} records, 0 breaks" in out


def test_verify_names_an_edited_record_and_exits_1():
    events = [audit_record(action=AuditAction.VIEW, object_refs=[str(n)]) for n in range(4)]
    tamper(events[1].pk, purpose_text="nothing to see here")

    status, out, err = _verify()

    assert status == 1
    assert f"Record {events[1].pk}: {ROW_CHANGED}" in out
    assert "1 breaks" in err
    assert f"Record {events[2].pk}" not in out


def test_verify_finds_a_removed_record_by_its_successor_not_by_id_gaps():
    events = [audit_record(action=AuditAction.VIEW, object_refs=[str(n)]) for n in range(4)]
    remove(events[2].pk)

    breaks = list(chain_breaks(audit_chain_stream()))

    assert [(b.event_id, b.problem) for b in breaks] == [(events[3].pk, CHAIN_BROKEN)]


def test_a_record_rewritten_with_a_fresh_hash_still_breaks_the_chain_after_it():
    events = [audit_record(action=AuditAction.EXPORT, detail={"rows": 10}) for _ in range(3)]
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.detail = {"rows": 1}
    tamper(forged.pk, detail=forged.detail, row_hash=forged.computed_hash())

    assert [(b.event_id, b.problem) for b in chain_breaks(audit_chain_stream())] == [(events[2].pk, CHAIN_BROKEN)]


def test_verification_does_not_depend_on_the_time_zone_it_runs_in(settings):
    audit_record(action=AuditAction.SIGN_IN)
    settings.TIME_ZONE = "Pacific/Auckland"
    with timezone.override("America/New_York"):
        assert list(chain_breaks(audit_chain_stream())) == []
