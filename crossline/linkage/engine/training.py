"""Training a linkage model: Splink's unsupervised estimates, analysts' decisions as labels, and
floors that keep what synthetic or clean training data never shows from counting as impossible.

Training data without errors of some kind (no force ever records a wrong gender, say) teaches
the model that a disagreement on that field means "different people" with near certainty: a
weight of -186 for gender. Real returns have such errors, so each comparison's "disagree" level
keeps at least the share of true matches below; a level never seen among matches gets weight 0
(no evidence either way) rather than a guess, unless LEVEL_FLOORS names the share of true
matches known to reach it (a slip the synthetic training set never makes).

Analysts' decisions are labels (docs/adr/0008): a confirmed pair is a labelled match for m; a
rejected pair is a labelled non-match, so it is left out of the pairs that stand for matches
when estimating the prior and of the pairs EM learns m from (there its chance of being a match
is known to be 0, where EM would have given a pair scored for review a high one). Rejected pairs
are not used for u: they are the hardest non-matches, not a random sample of them.
"""

import logging
import math

import pyarrow as pa
from splink import Linker, block_on
from splink.blocking_rule_library import And, CustomRule

from crossline.linkage.engine.splink_run import database, register

logger = logging.getLogger(__name__)

# Least share of true matches that disagree on each comparison, and why.
PEOPLE_FLOORS = {
    "forename_surname": 0.02,  # a surname changed by marriage or written as a street name
    "aliases": 0.3,  # forces know one person by different street names
    "dob": 0.01,  # a date of birth wrongly recorded
    "gender": 0.02,  # recorded wrongly, or a person's gender changed
    "location": 0.2,  # people move, and are recorded at the address of the moment
    "phones": 0.3,  # people change phones often
    "pnc": 0.01,  # a mistyped PNC id that still passes its check letter
    "lines": 0.3,  # one person can be on one line in one force's view and another line in another's
    # A level's floor for this model alone (over LEVEL_FLOORS): most numbered addresses that differ
    # are a move, not a mistyped number; people move, places do not.
    ("location", "Different house or flat number"): 0.2,
}
PLACE_FLOORS = {
    "location": 0.01,  # a place does not move; a wrong postcode is the error left
    "type": 0.05,  # a place described as a trap house by one force and a stash by another
    "uprn": 0.01,
}
# Least share of true matches at a level before the last, by (comparison, level label as in
# people.py and places.py): m is at least this whatever training saw, and why.
LEVEL_FLOORS = {
    # Two adjacent digits keyed the wrong way round (1989 for 1998): a common slip in dates of
    # birth, which the synthetic set never makes; rare between two different people (tiny u).
    ("dob", "Two digits of the date of birth swapped"): 0.003,
    # A mistyped house or flat number: a place does not move, so this is the error left.
    ("location", "Different house or flat number"): 0.01,
}
LEVEL_FLOOR = 1e-4  # no agreeing level is impossible among matches


def regularise(model: dict, *, floors: dict, profiles: int) -> dict:
    """Correct u for the matches among random pairs, fill untrained m with u (weight 0), apply
    the floors, and renormalise m.

    u is estimated from random pairs as if none matched; a share λ of them do, and each agrees
    at a level with that level's m. For a level that only matches reach (the same address and
    postcode, the same PNC id), that is nearly all of the estimate: so u := (u - λm) / (1 - λ),
    but never below one pair in all the training pairs (less could not have been observed).
    """
    prior = model["probability_two_random_records_match"]
    least_u = 2 / max(profiles * (profiles - 1), 2)
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        disagree = levels[-1]
        for level in levels:
            u = level.get("u_probability") or least_u
            m = level.get("m_probability")
            if m is not None:
                u = (u - prior * m) / (1 - prior)
            level["u_probability"] = max(u, least_u)
            key = (comparison["output_column_name"], level.get("label_for_charts"))
            floor = floors.get(key, LEVEL_FLOORS.get(key))
            if floor is not None:
                level["m_probability"] = max(m or 0.0, floor)
            elif m is None and level is not disagree:
                level["m_probability"] = level["u_probability"]  # never seen among matches: weight 0
            else:
                level["m_probability"] = max(m or 0.0, LEVEL_FLOOR)
        disagree["m_probability"] = max(disagree["m_probability"], floors.get(comparison["output_column_name"], 0.01))
        for name in ("m_probability", "u_probability"):
            total = sum(level[name] for level in levels)
            for level in levels:
                level[name] /= total
    return model


def _labels_table(labels: list[tuple[int, int]]) -> pa.Table:
    return pa.table({"source_dataset_l": ["profiles"] * len(labels), "unique_id_l": [left for left, _ in labels],
                     "source_dataset_r": ["profiles"] * len(labels), "unique_id_r": [right for _, right in labels]})


def profile_pairs(rows: list[tuple], identity_pairs) -> list[tuple[int, int]]:
    """Profile ids (first profile of each identity) for pairs of identities known to match."""
    first: dict[int, int] = {}
    for row in rows:
        first.setdefault(row[1], row[0])
    return [(first[left], first[right]) for left, right in identity_pairs if left in first and right in first]


REJECTED_COLUMN = "rejected_with"
# Training runs on DuckDB only (a model serves both engines), so the rule may use its list_contains.
NOT_REJECTED = CustomRule(f"NOT coalesce(list_contains(l.{REJECTED_COLUMN}, r.identity), false)")


def with_rejections(table: pa.Table, rejected) -> pa.Table:
    """`table` with a column listing, for each profile, the identities an analyst said are not
    its identity (both ways round: the pairs' order in a rule is not known)."""
    apart: dict[int, set[int]] = {}
    for left, right in rejected:
        apart.setdefault(left, set()).add(right)
        apart.setdefault(right, set()).add(left)
    identities = table.column("identity").to_pylist()
    return table.append_column(REJECTED_COLUMN, pa.array([sorted(apart.get(identity, ())) for identity in identities],
                                                         type=pa.list_(pa.int64())))


def train(settings, table: pa.Table, *, prior_rules: list, em_rules: list, floors: dict[str, float],
          recall: float = 0.7, max_pairs: float = 1e7, confirmed: list[tuple[int, int]] = (),
          rejected: list[tuple[int, int]] = (), seed: int | None = None) -> dict:
    """A trained model (Splink JSON plus Crossline's metadata) for `settings` over `table`.

    `prior_rules` are near-certain rules for the prior; `em_rules` block the pairs EM learns
    from; `confirmed` are pairs of profile ids known to be one thing (an analyst confirmed
    them, or a strong identifier such as a UPRN proves it), used as labelled matches for m;
    `rejected` are pairs of identities an analyst said are two things, kept out of both rules'
    pairs.
    """
    rejected = list(rejected)
    if rejected:
        table = with_rejections(table, rejected)
        prior_rules = [And(rule, NOT_REJECTED) for rule in prior_rules]
        em_rules = [And(rule, NOT_REJECTED) for rule in em_rules]
    with database("duckdb") as db_api:
        frame = register(db_api, table, "profiles")
        linker = Linker(frame, settings)
        linker.training.estimate_probability_two_random_records_match(prior_rules, recall=recall)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for rule in em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
        if confirmed:
            labels = db_api.register(_labels_table(list(confirmed)), dataset_display_name="labels")
            linker.training.estimate_m_from_pairwise_labels(labels)
        model = linker.misc.save_model_to_json()
    profiles = table.num_rows
    regularise(model, floors=floors, profiles=profiles)
    model["crossline"] = {
        "profiles": profiles,
        "matches_per_profile": model["probability_two_random_records_match"] * max(profiles - 1, 1),
        "confirmed_labels": len(confirmed),
        "rejected_labels": len(rejected),
        "u_max_pairs": max_pairs,
    }
    return model


def level_weights(model: dict) -> dict[str, list[tuple[str, float | None]]]:
    """Each comparison's levels as (label, match weight), for showing the model to people."""
    shown = {}
    for comparison in model["comparisons"]:
        rows = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                rows.append((level.get("label_for_charts", ""), None))
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            rows.append((level.get("label_for_charts", ""), math.log2(m / u) if m and u else None))
        shown[comparison["output_column_name"]] = rows
    return shown


PEOPLE_PRIOR_RULES = [block_on("forename", "surname", "dob"), block_on("pnc")]
PEOPLE_EM_RULES = [block_on("forename", "surname"), block_on("dob")]
