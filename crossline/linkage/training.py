"""Training new versions of the people and location models on the stored records, with
analysts' decisions as labels: a confirmed pair is a labelled match for Splink's m estimates; a
rejected pair a labelled non-match, kept out of the pairs the prior and m are estimated from
(engine/training.py). Both also hold as constraints in every run, whatever the model says.

The models shipped in `models/` (locations-v2.json: v2 compares house numbers and swapped digits
of dates of birth; people-v3.json: v3 also sets apart people whose house numbers contradict)
were made this way, on the synthetic national set with seed 11 (the evaluation uses seed 7):

    python -m crossline.synthetic --seed 11 --scale demo --out var/synthetic-11
    (load it: crossline.linkage.synthetic.synthetic_returns_load)
    crossline resolve --full --kinds line && crossline resolve --full --train --save-models crossline/linkage/models
"""

import json
from pathlib import Path

from crossline.linkage.engine import deterministic, people, places, training
from crossline.linkage.engine.records import person_lines, snapshot_load
from crossline.linkage.models import Decision, LinkageModel, MatchDecision
from crossline.linkage.selectors import excluded_values, line_entity_labels
from crossline.linkage.services import SHIPPED, linkage_model_store


def _decided(kind: str, snapshot) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The current confirmed and rejected pairs of identities (numbered as in `snapshot`)."""
    index, confirmed, rejected = snapshot.index, [], []
    for left_force, left_ref, right_force, right_ref, decision in MatchDecision.objects.filter(
            kind=kind, is_current=True).values_list("left_force_id", "left_ref", "right_force_id", "right_ref",
                                                    "decision"):
        left, right = index.get((left_force, left_ref)), index.get((right_force, right_ref))
        if left is None or right is None:
            continue
        if decision == Decision.CONFIRM:
            confirmed.append((left, right))
        elif decision == Decision.REJECT:
            rejected.append((left, right))
    return confirmed, rejected


def linkage_models_train(*, user=None, engine_note: str = "", max_pairs: float = 1e7) -> list[LinkageModel]:
    """Train and activate a new version of each model; returns them."""
    excluded = excluded_values()
    trained = []
    snapshot = snapshot_load("person")
    person_lines(snapshot)
    rows = people.profile_rows(snapshot, excluded=excluded, line_entities=line_entity_labels())
    confirmed, rejected = _decided("person", snapshot)
    model = training.train(people.settings(), people.profile_table(rows), prior_rules=training.PEOPLE_PRIOR_RULES,
                           em_rules=training.PEOPLE_EM_RULES, floors=training.PEOPLE_FLOORS, max_pairs=max_pairs,
                           confirmed=training.profile_pairs(rows, confirmed), rejected=rejected)
    trained.append(linkage_model_store(
        kind="person", settings=model, user=user, confirmed_labels=len(confirmed), rejected_labels=len(rejected),
        trained_on=f"{len(snapshot.keys):,} people references in current returns ({engine_note or 'run'})."))
    snapshot = snapshot_load("location")
    rows = places.profile_rows(snapshot, excluded=excluded)
    confirmed, rejected = _decided("location", snapshot)
    proven = [(link.left, link.right) for link in deterministic.shared_value_links(snapshot, 4, "uprn")]
    model = training.train(places.settings(), places.profile_table(rows), prior_rules=places.PRIOR_RULES,
                           em_rules=[], floors=training.PLACE_FLOORS, max_pairs=max_pairs,
                           confirmed=training.profile_pairs(rows, proven + confirmed), rejected=rejected)
    trained.append(linkage_model_store(
        kind="location", settings=model, user=user, confirmed_labels=len(confirmed), rejected_labels=len(rejected),
        trained_on=f"{len(snapshot.keys):,} location references in current returns, m from pairs a UPRN "
                   f"proves ({engine_note or 'run'})."))
    return trained


def models_save(folder: str | Path) -> list[Path]:
    """Write the active models as the JSON files Crossline ships."""
    written = []
    for kind, name in SHIPPED.items():
        model = LinkageModel.objects.get(kind=kind, is_active=True)
        path = Path(folder) / name
        path.write_text(json.dumps(model.settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
