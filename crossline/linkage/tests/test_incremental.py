"""A newly accepted return is resolved on its own (the task the submission enqueues), and gives
the entities a full run would."""

import json
from collections import defaultdict
from datetime import date

import pytest

from crossline.linkage.exports import entity_rows
from crossline.linkage.models import EntityMember, LinkRun, RunMode
from crossline.linkage.synthetic import synthetic_returns_load, synthetic_submitter
from crossline.linkage.tasks import resolve_return
from crossline.linkage.tests.support import resolve
from crossline.returns.models import NationalReturn
from crossline.returns.services import return_submit
from crossline.synthetic.generate import generate_world, write_returns

pytestmark = pytest.mark.django_db


def partition() -> set[frozenset]:
    entities = defaultdict(set)
    for force, sheet, ref, entity in entity_rows():
        entities[entity].add((force, sheet, ref))
    return {frozenset(members) for members in entities.values()}


@pytest.fixture
def world_but_the_last_return(tmp_path, settings):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world = generate_world(seed=7, scale="tiny", as_of=date(2026, 11, 26))
    folder = tmp_path / "returns"
    write_returns(world, folder, form="json")
    files = sorted(json.loads((folder / "manifest.json").read_text())["files"], key=lambda entry: entry["submitted_at"])
    # The busiest force's last return arrives after everything else has been resolved.
    last = max((entry for entry in files if entry["period_end"] == files[-1]["period_end"]),
               key=lambda entry: entry["records"].get("people", 0))
    synthetic_returns_load(folder, files=[entry["file"] for entry in files if entry is not last])
    resolve()
    return folder, last["file"]


def test_a_new_return_resolved_on_its_own_gives_what_a_full_run_gives(world_but_the_last_return):
    folder, name = world_but_the_last_return
    (submission,) = synthetic_returns_load(folder, files=[name])
    national_return = submission.national_return

    result = resolve_return.enqueue(national_return_id=national_return.pk)

    run = LinkRun.objects.get(pk=result.return_value)
    assert (run.mode, run.status, run.national_return) == (RunMode.RETURN, "finished", national_return)
    assert EntityMember.objects.filter(national_return=national_return).count() == sum(
        national_return.counts[sheet] for sheet in ("lines", "people", "locations", "vehicles"))
    incremental = partition()
    resolve()
    assert partition() == incremental


def _sent_again_corrected(folder, name, first) -> NationalReturn:
    """The same period sent again by the same force with one note changed: version 2."""
    document = json.loads((folder / name).read_text())
    document["people"][0]["notes"] = "Corrected after a call from the FIB"
    (folder / "v2.json").write_text(json.dumps(document))
    submitter = synthetic_submitter(first.force_id)
    return return_submit(content=(folder / "v2.json").read_bytes(), filename="v2.json", form=None,
                         actor=submitter, organisation=submitter.organisation).national_return


def test_a_superseded_version_s_records_leave_their_entities(world_but_the_last_return):
    folder, name = world_but_the_last_return
    (submission,) = synthetic_returns_load(folder, files=[name])
    first = submission.national_return
    resolve_return.call(national_return_id=first.pk)
    # The same period sent again (say, corrected): the first version stops being current.
    second = _sent_again_corrected(folder, name, first)

    resolve_return.call(national_return_id=second.pk)

    assert not NationalReturn.objects.get(pk=first.pk).is_current
    assert not EntityMember.objects.filter(national_return=first).exists()
    assert EntityMember.objects.filter(national_return=second, kind="person").count() == second.person_count


def test_a_corrected_version_keeps_every_record_in_the_entity_it_was_in(world_but_the_last_return):
    """An analyst's bookmark, a tasking or an access request names an entity: sending the same
    period again, corrected, must not move unchanged records to new entity numbers."""
    folder, name = world_but_the_last_return
    (submission,) = synthetic_returns_load(folder, files=[name])
    first = submission.national_return
    resolve_return.call(national_return_id=first.pk)
    before = dict(((member.kind, member.ref), member.entity_id)
                  for member in EntityMember.objects.filter(national_return=first))
    second = _sent_again_corrected(folder, name, first)
    resolve_return.call(national_return_id=second.pk)

    after = dict(((member.kind, member.ref), member.entity_id)
                 for member in EntityMember.objects.filter(national_return=second))
    moved = {key: (before[key], after[key]) for key in before if after.get(key) != before[key]}
    assert before and moved == {}
    resolve()  # and a full run afterwards keeps them too
    rebuilt = dict(((member.kind, member.ref), member.entity_id)
                   for member in EntityMember.objects.filter(national_return=second))
    assert rebuilt == after
