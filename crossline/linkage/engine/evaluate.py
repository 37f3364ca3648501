"""How well resolution matches a ground truth: pairwise and cluster precision, recall and F1.

Both sides are rows `force_code, sheet, ref, entity_id` (the synthetic generator's truth.csv and
`crossline export entities`). Only references present on both sides are scored, per sheet.

- Pairwise: every pair of references placed in one entity is a predicted link; precision is the
  share of predicted links that are true, recall the share of true links predicted.
- Cluster: an entity counts as right only if it holds exactly the references of one true entity;
  precision is the share of predicted entities that are right, recall the share of true entities
  reproduced exactly.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Row = tuple[str, str, str, str]  # force_code, sheet, ref, entity_id


@dataclass(frozen=True)
class Scores:
    sheet: str
    references: int
    true_pairs: int
    predicted_pairs: int
    pair_precision: float
    pair_recall: float
    true_clusters: int
    predicted_clusters: int
    cluster_precision: float
    cluster_recall: float

    @property
    def pair_f1(self) -> float:
        return _f1(self.pair_precision, self.pair_recall)

    @property
    def cluster_f1(self) -> float:
        return _f1(self.cluster_precision, self.cluster_recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def read_rows(path: str | Path) -> list[Row]:
    with open(path, encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        missing = {"force_code", "sheet", "ref", "entity_id"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path} has no column {', '.join(sorted(missing))}: expected "
                             "force_code,sheet,ref,entity_id.")
        return [(row["force_code"], row["sheet"], row["ref"], row["entity_id"]) for row in reader]


def _clusters(rows: Iterable[Row], sheet: str, keep: set) -> dict[str, frozenset]:
    grouped: dict[str, set] = defaultdict(set)
    for force, row_sheet, ref, entity in rows:
        if row_sheet == sheet and (force, ref) in keep:
            grouped[entity].add((force, ref))
    return {entity: frozenset(members) for entity, members in grouped.items()}


def _pairs(clusters: dict[str, frozenset]) -> set[frozenset]:
    pairs = set()
    for members in clusters.values():
        ordered = sorted(members)
        for i, left in enumerate(ordered):
            for right in ordered[i + 1:]:
                pairs.add(frozenset((left, right)))
    return pairs


def score(truth: list[Row], predicted: list[Row], sheet: str) -> Scores:
    truth_keys = {(force, ref) for force, row_sheet, ref, _ in truth if row_sheet == sheet}
    predicted_keys = {(force, ref) for force, row_sheet, ref, _ in predicted if row_sheet == sheet}
    keep = truth_keys & predicted_keys
    true_clusters, predicted_clusters = _clusters(truth, sheet, keep), _clusters(predicted, sheet, keep)
    true_pairs, predicted_pairs = _pairs(true_clusters), _pairs(predicted_clusters)
    right = len(true_pairs & predicted_pairs)
    true_sets, predicted_sets = set(true_clusters.values()), set(predicted_clusters.values())
    exact = len(true_sets & predicted_sets)
    return Scores(
        sheet=sheet, references=len(keep), true_pairs=len(true_pairs), predicted_pairs=len(predicted_pairs),
        pair_precision=right / len(predicted_pairs) if predicted_pairs else 1.0,
        pair_recall=right / len(true_pairs) if true_pairs else 1.0,
        true_clusters=len(true_sets), predicted_clusters=len(predicted_sets),
        cluster_precision=exact / len(predicted_sets) if predicted_sets else 1.0,
        cluster_recall=exact / len(true_sets) if true_sets else 1.0,
    )


def errors(truth: list[Row], predicted: list[Row], sheet: str) -> tuple[list[tuple], list[tuple]]:
    """The false links and the missed links, as pairs of (force, ref): for diagnosing a model."""
    truth_keys = {(f, r) for f, s, r, _ in truth if s == sheet}
    keep = truth_keys & {(f, r) for f, s, r, _ in predicted if s == sheet}
    true_pairs = _pairs(_clusters(truth, sheet, keep))
    predicted_pairs = _pairs(_clusters(predicted, sheet, keep))
    return ([tuple(sorted(p)) for p in predicted_pairs - true_pairs],
            [tuple(sorted(p)) for p in true_pairs - predicted_pairs])
