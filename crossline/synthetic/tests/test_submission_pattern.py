"""Forces submit like real forces: mostly on time, some late, a few months missing, and one month
sent twice, the second version superseding the first."""

import json

from crossline.returns.readers import read_upload
from crossline.synthetic.tests.conftest import AS_OF


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def test_most_returns_are_on_time_some_late_and_some_never_sent(tiny_returns):
    manifest = _manifest(tiny_returns)
    late = [entry for entry in manifest["files"] if entry["late"]]
    assert 0 < len(late) < len(manifest["files"]) / 2
    assert manifest["not_submitted"]
    sent = {(entry["force"], entry["period_end"]) for entry in manifest["files"]}
    assert not sent & {(gap["force"], gap["period_end"]) for gap in manifest["not_submitted"]}
    assert all(entry["submitted_at"][:10] <= AS_OF.isoformat() for entry in manifest["files"])
    assert all(entry["submitted_at"][:10] > entry["period_end"] for entry in manifest["files"])


def test_a_second_version_arrives_later_and_completes_the_first(tiny_returns):
    files = _manifest(tiny_returns)["files"]
    second = [entry for entry in files if entry["version"] == 2]
    assert len(second) == 1
    first = next(e for e in files if (e["force"], e["period_end"], e["version"]) ==
                 (second[0]["force"], second[0]["period_end"], 1))
    assert first["submitted_at"] < second[0]["submitted_at"]
    with read_upload((tiny_returns / first["file"]).read_bytes(), first["file"]) as source:
        assert "events" not in source.sheet_names()
    with read_upload((tiny_returns / second[0]["file"]).read_bytes(), second[0]["file"]) as source:
        assert "events" in source.sheet_names()


def test_the_return_itself_does_not_carry_its_submission_time(tiny_returns):
    entry = _manifest(tiny_returns)["files"][0]
    with read_upload((tiny_returns / entry["file"]).read_bytes(), entry["file"]) as source:
        fields = {row.cells["field"] for row in source.rows("return")}
    assert "submitted_at" not in fields
    assert fields == {"format_version", "force", "period_start", "period_end", "submitted_by", "contact_email"}


def test_late_means_what_the_compliance_schedule_says_and_returns_come_on_working_days(tiny_returns):
    from datetime import date, datetime

    from crossline.compliance.workdays import LONDON, add_working_days, end_of_day, is_working_day
    from crossline.synthetic.world import DUE_WORKING_DAYS

    files = _manifest(tiny_returns)["files"]
    for entry in files:
        due = add_working_days(date.fromisoformat(entry["period_end"]), DUE_WORKING_DAYS)
        submitted = datetime.fromisoformat(entry["submitted_at"])
        assert datetime.fromisoformat(entry["due_at"]).astimezone(LONDON).date() == due
        assert entry["late"] == (submitted >= end_of_day(due)), entry
        if entry["version"] == 1 and submitted.date() < AS_OF:  # not held back to the as-of date
            assert is_working_day(submitted.astimezone(LONDON).date()), entry
    assert {entry["late"] for entry in files} == {True, False}
