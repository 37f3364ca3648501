"""Splink's scored pairs as links (above the auto-link threshold) and review candidates (between
the thresholds), with the reasons an analyst needs: for each compared field, what the two sides
had in common and what that was worth."""

from collections import defaultdict
from dataclasses import dataclass

from crossline.linkage.engine.clustering import ConstrainedUnion, Link
from crossline.linkage.engine.splink_run import Pair


@dataclass(frozen=True)
class Thresholds:
    auto_link: float = 0.99  # match probability at or above which records link without review
    review: float = 0.5  # at or above which (and below auto_link) a pair goes to an analyst

    def as_dict(self) -> dict:
        return {"auto_link": self.auto_link, "review": self.review}


def probability_to_weight(probability: float) -> float:
    import math

    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def level_labels(model: dict) -> dict[str, dict[int, str]]:
    """comparison -> gamma value -> the level's label (Splink numbers non-null levels from the
    most similar, highest, down to 0 for "everything else"; -1 is the null level)."""
    labels = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        by_gamma = {-1: "Not recorded on one side"}
        for index, level in enumerate(non_null):
            by_gamma[len(non_null) - 1 - index] = level.get("label_for_charts", "")
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def reasons(pair: Pair, labels: dict[str, dict[int, str]], titles: dict[str, str]) -> list[dict]:
    """What each field contributed to the pair's score, strongest evidence first."""
    shown = []
    for name, (gamma, weight) in pair.levels.items():
        shown.append({"field": titles.get(name, name), "level": labels.get(name, {}).get(gamma, str(gamma)),
                      "weight": None if gamma == -1 else round(weight, 2), "agrees": gamma > 0})
    return sorted(shown, key=lambda reason: -(reason["weight"] or 0))


# A value two people share may still be one person's: never drop a value held by two.
MIN_HOLDERS_LIMIT = 2


def split(pairs: dict[tuple[int, int], Pair], thresholds: Thresholds) -> tuple[list[Link], list[Pair]]:
    links, candidates = [], []
    for pair in pairs.values():
        if pair.probability >= thresholds.auto_link:
            links.append(Link(pair.left, pair.right, "probabilistic", pair.weight,
                              (("match_probability", round(pair.probability, 6)),
                               ("match_weight", round(pair.weight, 3)))))
        elif pair.probability >= thresholds.review:
            candidates.append(pair)
    return links, candidates


def too_common(*, size: int, holders: dict[str, set[int]], links: list[Link], pairs: dict[tuple[int, int], Pair],
               comparison: str, m_agree: float) -> tuple[set[str], int]:
    """The values of one field held by too many people to mean anything; and the limit used.

    A value that many unrelated people share (a custody suite, a hospital, a hostel, a force
    switchboard) says nothing about whether two of them are one person. Count, for each value,
    the distinct people holding it: identities not linked to each other by anything *other
    than this field* (strong identifiers, or a Splink score that still favours a match, weight
    above 0, with this field's contribution taken away). If the value were one person's, each
    of the n holders would be that person, seen by forces that failed to link them otherwise.

    Fellegi-Sunter: agreement on a value multiplies the odds that a pair is one person by its
    Bayes factor. Among n holders there are n(n-1)/2 pairs. If the value is personal, the pairs
    that really are one person number at most k(k-1)/2 with k = 1 + m*c, where m is the model's
    chance that two records of one person agree on the field and c the mean number of other
    identities each person has in this run. Agreement favours a match (Bayes factor > 1 over
    the holders' pairs) only while those same-person pairs outnumber the others:
    k(k-1)/2 > n(n-1)/2 - k(k-1)/2, i.e. n(n-1) < 2k(k-1). A value held by more distinct people
    than that is dropped before linking, and the run records it.
    """
    union = ConstrainedUnion(size)
    touched: set[int] = set()
    for link in links:
        if link.how != "probabilistic":
            union.union(link.left, link.right)
            touched.update((link.left, link.right))
    for pair in pairs.values():
        if pair.weight - pair.levels.get(comparison, (0, 0.0))[1] > 0:
            union.union(pair.left, pair.right)
            touched.update((pair.left, pair.right))
    # An identity nothing links is a group of one, which adds nothing to c: only linked ones are counted.
    components: dict[int, int] = defaultdict(int)
    for node in touched:
        components[union.find(node)] += 1
    others = sum(count * (count - 1) for count in components.values()) / max(size, 1)  # c: other identities each
    k = 1 + m_agree * others
    limit = MIN_HOLDERS_LIMIT
    while (limit + 1) * limit < 2 * k * (k - 1):
        limit += 1
    # Holders in fewer than `limit` + 1 identities cannot be more than `limit` people.
    dropped = {value for value, identities in holders.items()
               if len(identities) > limit and len({union.find(identity) for identity in identities}) > limit}
    return dropped, limit
