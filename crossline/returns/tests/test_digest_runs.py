"""The content digest keeps a return's record hashes on disk in sorted runs once a sheet has
many of them: the digest must not change with how many runs there were, nor with row order."""

import random
from datetime import date

import pytest

from crossline.returns import digest
from crossline.returns.digest import ContentDigest
from crossline.returns.validate import ReturnHeader

pytestmark = pytest.mark.django_db


def _records(count: int) -> list[tuple[str, dict]]:
    sheets = ("lines", "people", "locations")
    return [(sheets[n % 3], {"ref": f"WY-{n}", "date": date(2026, 10, 1 + n % 28), "grams": n / 7})
            for n in range(count)]


def _hexdigest(records, header) -> tuple[str, ContentDigest]:
    content = ContentDigest()
    for sheet, values in records:
        content.add(sheet, values)
    return content.hexdigest(header), content


@pytest.fixture
def header():
    from crossline.reference.lookups import find_force

    return ReturnHeader(format_version=1, force=find_force("E23000010"), period_start=date(2026, 10, 1),
                        period_end=date(2026, 10, 31), submitted_by="DS Test", contact_email="fib@example.org")


def test_the_digest_is_the_same_with_runs_on_disk_and_in_any_order(header, monkeypatch):
    records = _records(2_500)
    in_memory, _ = _hexdigest(records, header)

    monkeypatch.setattr(digest, "RUN_RECORDS", 97)  # a run every 97 records of a sheet: eight or nine each
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)
    on_disk, content = _hexdigest(shuffled, header)

    assert all(len(content.runs[sheet]) >= 8 for sheet in ("lines", "people", "locations"))
    assert max(len(pending) for pending in content.pending.values()) < 97 * 32  # memory: one run at most
    assert on_disk == in_memory
    content.close()


def test_a_different_record_is_a_different_digest_with_runs_on_disk(header, monkeypatch):
    monkeypatch.setattr(digest, "RUN_RECORDS", 50)
    records = _records(600)
    changed = list(records)
    changed[123] = (changed[123][0], dict(changed[123][1], grams=0.5))
    assert _hexdigest(records, header)[0] != _hexdigest(changed, header)[0]
