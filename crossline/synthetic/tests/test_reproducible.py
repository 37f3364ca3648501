"""Same seed, same bytes: a benchmark or a demo can be rebuilt exactly from its seed."""

import hashlib
import json

from crossline.synthetic.generate import generate_world, write_returns
from crossline.synthetic.tests.conftest import AS_OF, SEED


def _digests(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_the_same_seed_writes_byte_identical_returns_manifest_and_truth(tiny_returns, tmp_path):
    write_returns(generate_world(seed=SEED, scale="tiny", as_of=AS_OF), tmp_path, form="mixed")
    assert _digests(tmp_path) == _digests(tiny_returns)


def test_the_manifest_records_each_files_sha256(tiny_returns):
    manifest = json.loads((tiny_returns / "manifest.json").read_text())
    digests = _digests(tiny_returns)
    assert manifest["files"]
    assert {entry["file"]: entry["sha256"] for entry in manifest["files"]} == {
        name: digest for name, digest in digests.items() if name not in ("manifest.json", "truth.csv",
                                                                       "truth_lines_crossover.csv")}


def test_another_seed_makes_other_people(tiny_returns, tmp_path):
    write_returns(generate_world(seed=SEED + 1, scale="tiny", as_of=AS_OF), tmp_path, form="mixed")
    assert (tmp_path / "truth.csv").read_bytes() != (tiny_returns / "truth.csv").read_bytes()
