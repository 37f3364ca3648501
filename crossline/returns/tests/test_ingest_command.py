"""`crossline ingest FILE... --as EMAIL` submits files as that submitter and says what happened."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crossline.returns.models import NationalReturn, Submission
from crossline.returns.tests.builders import as_json, as_xlsx, as_zip, sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db


def _ingest(*args) -> str:
    out = io.StringIO()
    call_command("ingest", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO(), no_color=True)
    return out.getvalue()


def _bad() -> dict:
    doc = sample_return()
    doc["people"][0]["date_of_birth"] = "31/02/2010"
    doc["locations"][0]["type"] = "squat"
    return doc


def test_an_accepted_file_is_reported_with_its_return_version_and_counts(wy_submitter, raw_store, tmp_path):
    path = tmp_path / "october.xlsx"
    path.write_bytes(as_xlsx(sample_return()))

    output = _ingest(path, "--as", wy_submitter.email)

    national_return = NationalReturn.objects.get()
    assert f"ACCEPTED october.xlsx: return {national_return.pk}, West Yorkshire Police 01/10/2026–31/10/2026, " \
           "version 1: 1 lines, 2 people, 1 locations, 1 vehicles, 1 events" in output
    assert "Stored 6 records of october.xlsx." in output
    assert Submission.objects.get().submitted_by == wy_submitter


def test_a_duplicate_names_the_stored_return_it_matches(wy_submitter, raw_store, tmp_path):
    (tmp_path / "october.zip").write_bytes(as_zip(sample_return()))
    (tmp_path / "october.json").write_bytes(as_json(sample_return()))
    _ingest(tmp_path / "october.zip", "--as", wy_submitter.email)

    output = _ingest(tmp_path / "october.json", "--as", wy_submitter.email)

    national_return = NationalReturn.objects.get()
    assert f"DUPLICATE october.json: the same content as return {national_return.pk}" in output
    assert "version 1" in output and "Nothing new was stored" in output


def test_a_rejected_file_lists_every_error_and_exits_with_status_1(wy_submitter, raw_store, tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.zip"
    good.write_bytes(as_json(sample_return()))
    bad.write_bytes(as_zip(_bad()))
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("ingest", str(bad), str(good), "--as", wy_submitter.email, stdout=out, no_color=True)

    assert failed.value.returncode == 1
    output = out.getvalue()
    assert "REJECTED bad.zip: 2 error(s); nothing was stored" in output
    assert "  people 2 date_of_birth 31/02/2010: " in output
    assert "  locations 2 type squat: " in output
    assert "ACCEPTED good.json" in output  # the other file still went in
    assert NationalReturn.objects.count() == 1


def test_the_submitter_must_be_named_and_be_a_submitter(wy_analyst, raw_store, tmp_path):
    path = tmp_path / "october.json"
    path.write_bytes(as_json(sample_return()))

    with pytest.raises(CommandError, match="--as EMAIL"):
        _ingest(path)
    with pytest.raises(CommandError, match="not a submitter"):
        _ingest(path, "--as", wy_analyst.email)
    with pytest.raises(CommandError, match="no active user"):
        _ingest(path, "--as", "nobody@example.com")
    assert not Submission.objects.exists()


def test_a_retry_with_the_same_idempotency_key_reports_the_first_outcome(wy_submitter, raw_store, tmp_path):
    path = tmp_path / "october.json"
    path.write_bytes(as_json(sample_return()))

    first = _ingest(path, "--as", wy_submitter.email, "--idempotency-key", "october-1")
    again = _ingest(path, "--as", wy_submitter.email, "--idempotency-key", "october-1")

    assert first.splitlines()[-1] == again.splitlines()[-1]
    assert "ACCEPTED" in again
    assert Submission.objects.count() == 1
