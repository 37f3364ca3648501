"""Training a linkage model: Splink's unsupervised estimates, analysts' decisions as labels, and
floors that keep what synthetic or clean training data never shows from counting as impossible.

Training data without errors of some kind (no force ever records a wrong gender, say) teaches
the model that a disagreement on that field means "different people" with near certainty: a
weight of -186 for gender. Real returns have such errors, so each comparison's "disagree" level
keeps at least the share of true matches below; a level never seen among matches gets weight 0
(no evidence either way) rather than a guess.
"""

import logging
import math

import pyarrow as pa
from splink import Linker, block_on

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
}
PLACE_FLOORS = {
    "location": 0.01,  # a place does not move; a wrong postcode is the error left
    "type": 0.05,  # a place described as a trap house by one force and a stash by another
    "uprn": 0.01,
}
LEVEL_FLOOR = 1e-4  # no agreeing level is impossible among matches


def regularise(model: dict, *, floors: dict[str, float], profiles: int) -> dict:
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
            if m is None and level is not disagree:
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


def train(settings, table: pa.Table, *, prior_rules: list, em_rules: list, floors: dict[str, float],
          recall: float = 0.7, max_pairs: float = 1e7, confirmed: list[tuple[int, int]] = (),
          seed: int | None = None) -> dict:
    """A trained model (Splink JSON plus Crossline's metadata) for `settings` over `table`.

    `prior_rules` are near-certain rules for the prior; `em_rules` block the pairs EM learns
    from; `confirmed` are pairs of profile ids known to be one thing (an analyst confirmed
    them, or a strong identifier such as a UPRN proves it), used as labelled matches for m.
    """
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
