"""Every return the generator writes passes the platform's own validation, in every form; and each
deliberate fault is refused where the manifest says it is."""

import json

import pytest

from crossline.returns.readers import read_upload
from crossline.returns.validate import validate_return
from crossline.synthetic.faults import FAULTS
from crossline.synthetic.generate import write_returns
from crossline.synthetic.tests.conftest import AS_OF, return_files


def _validate(path):
    with read_upload(path.read_bytes(), path.name) as source:
        return validate_return(source, today=AS_OF)


@pytest.mark.django_db
def test_every_generated_return_validates_with_no_errors(tiny_returns):
    files = return_files(tiny_returns)
    assert {path.suffix for path in files} == {".xlsx", ".zip", ".json"}
    problems, rows = {}, 0
    for path in files:
        result = _validate(path)
        rows += result.rows_read
        if not result.ok:
            problems[path.name] = [str(issue) for issue in result.errors[:5]]
    assert problems == {}
    assert rows > 300


@pytest.mark.django_db
def test_each_deliberate_fault_is_refused_at_the_place_the_manifest_gives(tiny_world, tmp_path):
    write_returns(tiny_world, tmp_path, form="zip", faults=list(FAULTS))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    faulted = [entry for entry in manifest["files"] if entry["faults"]]
    assert sorted(entry["faults"][0]["fault"] for entry in faulted) == sorted(FAULTS)
    for entry in faulted:
        fault = entry["faults"][0]
        result = _validate(tmp_path / entry["file"])
        assert not result.ok, fault
        assert {(issue.sheet, issue.row, issue.column) for issue in result.errors} == {
            (fault["sheet"], fault["row"], fault["column"])}, fault
    assert any(entry["form"] == "xlsx" for entry in faulted)  # a formula needs a spreadsheet
