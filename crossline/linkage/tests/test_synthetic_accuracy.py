"""Resolution scored against the synthetic generator's ground truth, end to end: returns as forces
write them, stored through the submission service, resolved, exported and evaluated. (The
demo-scale figures are in benchmarks/linkage_accuracy.py; this is the small world.)"""

from datetime import date

import pytest
from django.core.management import call_command

from crossline.linkage.engine import evaluate
from crossline.linkage.exports import entity_rows
from crossline.linkage.synthetic import synthetic_returns_load
from crossline.linkage.tests.support import resolve
from crossline.synthetic.generate import generate_world, write_returns

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_world(tmp_path, settings):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    world = generate_world(seed=7, scale="tiny", as_of=date(2026, 11, 26))
    write_returns(world, tmp_path / "returns", form="json")
    synthetic_returns_load(tmp_path / "returns")
    return tmp_path / "returns" / "truth.csv"


def test_the_small_synthetic_world_resolves_as_its_truth_says(tiny_world, tmp_path, capsys):
    resolve()

    truth, found = evaluate.read_rows(tiny_world), list(entity_rows())
    for sheet in ("lines", "locations", "vehicles"):
        scores = evaluate.score(truth, found, sheet)
        assert (scores.pair_precision, scores.pair_recall) == (1.0, 1.0), sheet
    people = evaluate.score(truth, found, "people")
    assert people.pair_precision >= 0.995 and people.pair_recall >= 0.95, people

    call_command("export", "entities", "--out", str(tmp_path / "entities.csv"))
    assert evaluate.read_rows(tmp_path / "entities.csv") == found
    call_command("evaluate", "--truth", str(tiny_world))
    printed = capsys.readouterr().out
    assert "lines" in printed and "1.0000" in printed
