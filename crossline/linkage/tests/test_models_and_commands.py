"""Models are stored and versioned, retrained on the stored records with analysts' decisions as
labels; the command line resolves with progress, one return or everything."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.models import CandidatePair, Decision, LinkageModel, LinkRun, RunMode
from crossline.linkage.services import linkage_model_active, match_decide
from crossline.linkage.synthetic import synthetic_returns_load
from crossline.linkage.tests.support import line, person, resolve, submit_return
from crossline.linkage.training import linkage_models_train
from crossline.synthetic.generate import generate_world, write_returns

pytestmark = pytest.mark.django_db


def test_the_first_run_stores_the_shipped_models_as_version_one():
    run = resolve()

    models = {model.kind: model for model in run.models_used.all()}
    assert set(models) == {"person", "location"}
    assert all(model.version == 1 and model.is_active for model in models.values())
    assert len(models["person"].sha256) == 64
    assert AuditEvent.objects.filter(object_type="linkage.LinkageModel").count() == 2
    assert run.thresholds == {"auto_link": 0.97, "review": 0.5}


def test_retraining_makes_new_active_versions_with_decisions_as_labels(tmp_path, settings, national_coordinator):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    write_returns(generate_world(seed=3, scale="tiny", as_of=date(2026, 11, 26)), tmp_path / "returns", form="json")
    synthetic_returns_load(tmp_path / "returns")
    resolve()
    for pair in CandidatePair.objects.filter(kind="person")[:2]:
        match_decide(pair=pair, decision=Decision.CONFIRM, user=national_coordinator)
    confirmed = CandidatePair.objects.filter(kind="person", status="confirmed").count()

    person_model, location_model = linkage_models_train(user=national_coordinator, max_pairs=1e5)

    assert (person_model.version, person_model.is_active, person_model.confirmed_labels) == (2, True, confirmed)
    assert linkage_model_active(kind="person") == person_model
    assert LinkageModel.objects.filter(kind="location", is_active=True).get() == location_model
    assert person_model.settings["crossline"]["confirmed_labels"] == confirmed
    run = resolve()
    assert set(run.models_used.values_list("version", flat=True)) == {2}


def test_the_command_resolves_everything_or_one_return_and_says_so(capsys):
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])])
    national_return = submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-1", "Jay", ["07700900123"])],
                                    people=[person("NY-P-1", "Doe", "Jo", "1990-01-01")])

    call_command("resolve", "--full")
    printed = capsys.readouterr().out
    assert "People: linking 1 references" in printed and "Finished" in printed
    full = LinkRun.objects.get(mode=RunMode.FULL)
    assert full.counts["line"]["entities"] == 1
    # Scoring follows the run: queued for the worker, against this run.
    from django_tasks_db.models import DBTaskResult

    scoring = DBTaskResult.objects.get(task_path="crossline.assessment.tasks.assess_lines")
    assert scoring.args_kwargs["kwargs"]["link_run_id"] == full.pk and "Re-scoring the lines is queued" in printed

    call_command("resolve", "--return", str(national_return.pk))
    assert LinkRun.objects.filter(mode=RunMode.RETURN, national_return=national_return, status="finished").exists()
    with pytest.raises(CommandError):
        call_command("resolve", "--return", "999999")
    with pytest.raises(CommandError):
        call_command("resolve", "--full", "--kinds", "events")
