"""Scoring entities against a truth: pairwise and cluster precision and recall."""

import pytest

from crossline.linkage.engine.evaluate import errors, read_rows, score


def rows(*clusters: tuple[str, ...], sheet: str = "people") -> list[tuple]:
    return [("F", sheet, ref, f"e{index}") for index, cluster in enumerate(clusters) for ref in cluster]


def test_a_perfect_answer_scores_one():
    truth = rows(("a", "b", "c"), ("d",))
    scores = score(truth, rows(("c", "a", "b"), ("d",)), "people")
    assert (scores.pair_precision, scores.pair_recall, scores.cluster_precision, scores.cluster_recall) == (1, 1, 1, 1)
    assert (scores.true_pairs, scores.predicted_pairs, scores.pair_f1) == (3, 3, 1.0)


def test_a_false_merge_costs_precision_and_a_missed_link_recall():
    truth = rows(("a", "b"), ("c",), ("d", "e"))
    found = rows(("a", "b", "c"), ("d",), ("e",))
    scores = score(truth, found, "people")
    assert scores.pair_precision == pytest.approx(1 / 3)  # a-b right; a-c, b-c wrong
    assert scores.pair_recall == pytest.approx(1 / 2)  # d-e missed
    assert scores.cluster_precision == pytest.approx(0 / 3)
    assert scores.cluster_recall == pytest.approx(0 / 3)
    false, missed = errors(truth, found, "people")
    assert sorted(false) == [(("F", "a"), ("F", "c")), (("F", "b"), ("F", "c"))]
    assert missed == [(("F", "d"), ("F", "e"))]


def test_only_references_on_both_sides_and_of_the_sheet_count():
    truth = rows(("a", "b"), ("x", "y"), sheet="people") + rows(("l1", "l2"), sheet="lines")
    scores = score(truth, rows(("a", "b")), "people")
    assert (scores.references, scores.pair_precision, scores.pair_recall) == (2, 1.0, 1.0)


def test_a_truth_file_without_the_columns_is_refused_clearly(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("force,ref\nF,a\n")
    with pytest.raises(ValueError, match="force_code"):
        read_rows(path)
