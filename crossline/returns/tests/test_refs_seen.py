"""The refs a return has used are kept in bounded memory (most of them on disk) and the checks
that use them stay exact: a duplicate names the row of the first use, a cross-reference is found
only if that very ref was given, however many refs share its hash bits."""

import pytest

from crossline.returns import refs as refs_module
from crossline.returns import validate
from crossline.returns.readers import MemorySource
from crossline.returns.refs import RefsSeen, SheetRefs
from crossline.returns.tests.builders import TODAY, sample_return


def test_refs_moved_to_disk_are_still_found_with_their_rows():
    seen = RefsSeen(["lines"], recent=100)
    for number in range(1_000):
        assert seen.add("lines", f"WY-L-{number}", number + 2) is None
    lines = seen["lines"]
    assert len(lines.recent) <= 100 and len(lines) == 1_000 and len(lines.keys) >= 900
    assert list(lines.keys) == sorted(lines.keys)  # each move merged its keys into the sorted index
    assert all(f"WY-L-{number}" in lines for number in range(1_000))
    assert "WY-L-1000" not in lines and "WY-L-" not in lines and "" not in lines
    # Used again: the row of its first use, and the first use is kept.
    assert seen.add("lines", "WY-L-7", 5_000) == 9
    assert seen.add("lines", "WY-L-999", 5_001) == 1_001
    assert seen.add("lines", "Wy-L-7", 5_002) is None  # another ref: refs are compared exactly
    seen.close()


def test_a_ref_sharing_every_hash_bit_with_another_is_not_taken_for_it(monkeypatch):
    # The worst case for the index: every ref hashes alike, so only the text can tell them apart.
    monkeypatch.setattr(SheetRefs, "hash_of", staticmethod(lambda ref: 42 << 32))
    refs = SheetRefs()
    for number, ref in enumerate(["WY-P-1", "WY-P-2", "wy-p-1", "WY-P-1 ", "Żółć"]):
        assert refs.add(ref, number + 2) is None
    refs.move_to_disk()
    assert refs.recent == {} and len(refs.keys) == 5
    assert "WY-P-2" in refs and "Żółć" in refs and "WY-P-3" not in refs and "WY-P-" not in refs
    assert refs.add("wy-p-1", 99) == 4 and refs.add("Żółć", 99) == 6 and refs.add("WY-P-3", 99) is None
    refs.close()


def test_a_ref_with_a_lone_surrogate_is_compared_not_refused():
    refs = SheetRefs()
    refs.add("WY-\ud800", 2)
    refs.move_to_disk()
    assert "WY-\ud800" in refs and "WY-\ud801" not in refs
    refs.close()


@pytest.mark.django_db
def test_duplicate_and_unknown_refs_are_reported_once_the_refs_are_on_disk(monkeypatch):
    monkeypatch.setattr(refs_module, "RECENT", 2)  # every few rows, the refs go to disk
    doc = sample_return()
    person = dict(doc["people"][0])
    doc["people"] += [dict(person, person_ref=f"WY-P-{number}") for number in range(100, 110)]
    doc["people"].append(dict(person))  # the first person's ref again, on the last row
    good = validate.validate_return(MemorySource(sample_return()), today=TODAY)
    assert good.ok, [str(issue) for issue in good.errors]
    result = validate.validate_return(MemorySource(doc), today=TODAY)
    [issue] = result.errors
    assert (issue.sheet, issue.row, issue.code) == ("people", len(doc["people"]) + 1, "duplicate_ref")
    assert "also on row 2" in issue.message

    doc = sample_return()
    doc["events"][0]["location_ref"] = doc["locations"][0]["location_ref"] + "X"
    [issue] = validate.validate_return(MemorySource(doc), today=TODAY).errors
    assert (issue.sheet, issue.column, issue.code) == ("events", "location_ref", "unknown_ref")
