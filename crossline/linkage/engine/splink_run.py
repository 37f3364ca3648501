"""Running a stored Splink model over a table of profiles, on DuckDB (the default) or Spark.

The model JSON is trained once (`crossline resolve --train`, engine/training.py) and reused:
u-training is a fixed half-minute that does not change the result (linkage-notes.md), while
prediction with a saved model takes seconds. Only the prior is adjusted per run: the chance
that two random profiles are one person falls as the number of profiles grows, so the model
stores it as matches per profile and each run divides by its own size.
"""

import copy
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa

logger = logging.getLogger(__name__)
# Splink reports every step at INFO; a run reports its own progress.
logging.getLogger("splink").setLevel(logging.WARNING)
ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Pair:
    left: int  # identity numbers, left < right
    right: int
    probability: float
    weight: float
    levels: dict  # comparison -> (gamma level, match weight contribution)


def prior_for(model: dict, profiles: int, *, dialect: str = "duckdb", structure=None) -> dict:
    """The model with its prior rescaled from the training set's size to this run's, written in
    the engine's SQL dialect.

    A trained model is parameters (m, u, the prior) on a structure (comparisons and blocking
    rules). SQL saved in one dialect cannot be translated reliably (DuckDB's
    jaro_winkler_similarity is Splink's jaro_winkler UDF on Spark), so for another engine the
    structure is built afresh from `structure` (the kind's SettingsCreator) and the trained
    parameters copied onto it, level by level.
    """
    adjusted = copy.deepcopy(model)
    if dialect != adjusted.get("sql_dialect", "duckdb"):
        if structure is None:
            raise ValueError(f"A model trained for {adjusted.get('sql_dialect')} needs its structure to run on {dialect}.")
        rebuilt = structure.create_settings_dict(dialect)
        trained = {comparison["output_column_name"]: comparison["comparison_levels"]
                   for comparison in adjusted["comparisons"]}
        for comparison in rebuilt["comparisons"]:
            levels = trained[comparison["output_column_name"]]
            for level, parameters in zip(comparison["comparison_levels"], levels, strict=True):
                for name in ("m_probability", "u_probability"):
                    if parameters.get(name) is not None:
                        level[name] = parameters[name]
        for name in ("probability_two_random_records_match", "crossline"):
            if name in adjusted:
                rebuilt[name] = adjusted[name]
        adjusted = rebuilt
    adjusted["sql_dialect"] = dialect
    meta = adjusted.pop("crossline", None) or {}
    per_profile = meta.get("matches_per_profile")
    if per_profile and profiles > 1:
        # Never denser than in training: a handful of records is not evidence that half match.
        profiles = max(profiles, meta.get("profiles", 0))
        adjusted["probability_two_random_records_match"] = min(0.5, per_profile / (profiles - 1))
    # The level each field reached (gamma) and its weight are the reasons shown to analysts.
    adjusted["retain_matching_columns"] = True
    adjusted["retain_intermediate_calculation_columns"] = True
    return adjusted


@contextmanager
def database(engine: str = "duckdb", *, spark_session=None) -> Iterator:
    """A Splink database API for the engine: an in-memory DuckDB, or Spark (local[*] unless a
    session is given)."""
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        try:
            yield DuckDBAPI(connection=connection)
        finally:
            connection.close()
        return
    if engine != "spark":
        raise ValueError(f"Unknown engine {engine!r}: use one of {', '.join(ENGINES)}.")
    from crossline.linkage.engine.spark import spark_api

    with spark_api(spark_session) as api:
        yield api


def _dialect(db_api) -> str:
    return db_api.sql_dialect.sql_dialect_str


def register(db_api, table: pa.Table, name: str):
    if type(db_api).__name__.startswith("Spark"):
        from crossline.linkage.engine.spark import arrow_to_spark

        # One Spark session serves a whole run: each comparison's tables need names of their own.
        return db_api.register(arrow_to_spark(db_api.spark, table), dataset_display_name=name,
                               table_name=f"{name}_{uuid.uuid4().hex[:12]}")
    return db_api.register(table, dataset_display_name=name)


def comparison_names(model: dict) -> list[str]:
    return [comparison["output_column_name"] for comparison in model["comparisons"]]


def _pairs_from(predictions, names: list[str]) -> Iterator[Pair]:
    table = predictions.as_pyarrow_table()
    columns = {name: table.column(name).to_pylist() for name in
               ("identity_l", "identity_r", "match_probability", "match_weight")}
    gammas = {name: table.column(f"gamma_{name}").to_pylist() for name in names}
    weights = {name: table.column(f"mw_{name}").to_pylist() for name in names}
    tf = {name: table.column(f"mw_tf_adj_{name}").to_pylist() for name in names
          if f"mw_tf_adj_{name}" in table.column_names}
    for row in range(table.num_rows):
        left, right = columns["identity_l"][row], columns["identity_r"][row]
        if left == right:
            continue
        levels = {}
        for name in names:
            weight = weights[name][row] + (tf[name][row] or 0.0 if name in tf else 0.0)
            levels[name] = (gammas[name][row], weight)
        yield Pair(min(left, right), max(left, right), columns["match_probability"][row],
                   columns["match_weight"][row], levels)


def predict(model: dict, table: pa.Table, *, threshold: float, engine: str = "duckdb", spark_session=None,
            structure=None) -> dict[tuple[int, int], Pair]:
    """Scored pairs of identities at or above `threshold`, the best profile pair for each."""
    from splink import Linker

    best: dict[tuple[int, int], Pair] = {}
    if table.num_rows < 2:
        return best
    with database(engine, spark_session=spark_session) as db_api:
        frame = register(db_api, table, "profiles")
        linker = Linker(frame, prior_for(model, table.num_rows, dialect=_dialect(db_api), structure=structure))
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        for pair in _pairs_from(predictions, comparison_names(model)):
            key = (pair.left, pair.right)
            if key not in best or pair.weight > best[key].weight:
                best[key] = pair
    return best


def _tf_columns(model: dict) -> list[str]:
    columns = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in columns:
                columns.append(column)
    return columns


def predict_new(model: dict, table: pa.Table, new_ids: set[int], *, threshold: float, engine: str = "duckdb",
                spark_session=None, structure=None) -> dict[tuple[int, int], Pair]:
    """Scored pairs involving the profiles of `new_ids` (against every profile, themselves
    included), without scoring the pairs of old profiles among themselves: a run for one
    return costs in proportion to that return, not to everything stored. Term frequencies
    come from the whole table, as in a full run."""
    from splink import Linker

    best: dict[tuple[int, int], Pair] = {}
    if not new_ids or table.num_rows < 2:
        return best
    import pyarrow.compute as pc

    new_table = table.filter(pc.is_in(table.column("identity"), value_set=pa.array(sorted(new_ids), pa.int64())))
    with database(engine, spark_session=spark_session) as db_api:
        everything = register(db_api, table, "profiles")
        new = register(db_api, new_table, "new_profiles")
        linker = Linker(everything, prior_for(model, table.num_rows, dialect=_dialect(db_api),
                                              structure=structure))
        for column in _tf_columns(model):
            linker.table_management.compute_tf_table(column)
        predictions = linker.inference.predict_between(new, everything, threshold_match_probability=threshold,
                                                       warning_mode="never")
        for pair in _pairs_from(predictions, comparison_names(model)):
            key = (pair.left, pair.right)
            if key not in best or pair.weight > best[key].weight:
                best[key] = pair
    return best
