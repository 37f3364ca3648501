"""Anchoring the chain's head outside the database: a trail cut back or rewritten after an anchor
fails verification, even though its own chain still holds."""

import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command

from crossline.audit.anchors import anchor_append, anchor_head, anchors_read
from crossline.audit.models import AuditAction, AuditEvent
from crossline.audit.selectors import audit_chain_stream, chain_breaks
from crossline.audit.services import audit_record
from crossline.audit.tests.support import remove, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors" / "audit-anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


def _run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_an_anchor_records_the_head_once_until_the_trail_grows(anchor_file):
    first = [audit_record(action=AuditAction.VIEW, object_refs=[str(n)]) for n in range(3)]
    status, out, _ = _run("anchor")
    assert status == 0 and f"Anchored record {first[-1].pk}" in out
    assert "Nothing new to anchor" in _run("anchor")[1]
    later = audit_record(action=AuditAction.VIEW, object_refs=["later"])
    _run("anchor")

    anchors = anchors_read(anchor_file)
    assert [(a.event_id, a.row_hash) for a in anchors] == [(first[-1].pk, first[-1].row_hash),
                                                          (later.pk, later.row_hash)]
    status, out, _ = _run("verify")
    assert status == 0 and "0 breaks, 2 anchors honoured" in out


def test_a_trail_cut_back_after_an_anchor_fails_verification_though_its_chain_holds(anchor_file):
    events = [audit_record(action=AuditAction.EXPORT, detail={"rows": n}) for n in range(4)]
    anchor_head()
    remove(events[-1].pk)  # the newest record removed: nothing after it to break the chain

    assert list(chain_breaks(audit_chain_stream())) == []
    status, out, err = _run("verify")
    assert status == 1
    assert f"Anchor of record {events[-1].pk}" in out and "record missing" in out
    assert "1 of 1 anchors not honoured" in err


def test_a_head_rewritten_with_a_fresh_hash_fails_verification(anchor_file):
    events = [audit_record(action=AuditAction.EXPORT, detail={"rows": 10}) for _ in range(2)]
    anchor_head()
    forged = AuditEvent.objects.get(pk=events[-1].pk)
    forged.detail = {"rows": 1}
    tamper(forged.pk, detail=forged.detail, row_hash=forged.computed_hash())

    assert list(chain_breaks(audit_chain_stream())) == []
    status, out, _ = _run("verify")
    assert status == 1 and "record rewritten" in out


def test_a_damaged_anchor_file_fails_verification_with_its_line(anchor_file):
    audit_record(action=AuditAction.VIEW)
    anchor_head()
    with anchor_file.open("a", encoding="utf-8") as file:
        file.write("not json\n")
    status, _, err = _run("verify")
    assert status == 1 and "Line 2 of" in err


def test_an_edited_anchor_order_is_reported(anchor_file):
    events = [audit_record(action=AuditAction.VIEW, object_refs=[str(n)]) for n in range(2)]
    lines = [json.dumps({"event_id": event.pk, "row_hash": event.row_hash, "anchored_at": "2026-11-26T10:00:00+00:00"})
             for event in reversed(events)]
    anchor_file.parent.mkdir(parents=True)
    anchor_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = _run("verify")
    assert status == 1 and "anchors out of order" in out


def test_anchors_written_at_once_are_whole_lines(anchor_file):
    heads = [(n // 3 + 1, f"{n // 3:064x}") for n in range(24)]  # 8 heads, each offered by 3 runs at once
    with ThreadPoolExecutor(6) as pool:
        written = [anchor for anchor in pool.map(lambda head: anchor_append(head, anchor_file), heads) if anchor]
    # Every line is whole, each head is anchored at most once, and a run holding a stale head
    # never writes it after a newer one: the file only moves forward.
    anchored = [anchor.event_id for anchor in anchors_read(anchor_file)]
    assert anchored == sorted(set(anchored)) and anchored[-1] == 8
    assert len(written) == len(anchored)


def test_an_empty_trail_anchors_nothing(anchor_file):
    assert anchor_head() is None
    assert not anchor_file.exists()
