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


def register(db_api, table: pa.Table, name: str, *, shared: bool = False):
    if type(db_api).__name__.startswith("Spark"):
        from crossline.linkage.engine.spark import arrow_to_spark

        # One Spark session serves a whole run: each comparison's tables need names of their own.
        return db_api.register(arrow_to_spark(db_api.spark, table), dataset_display_name=name,
                               table_name=f"{name}_{uuid.uuid4().hex[:12]}")
    if shared:  # a name of its own: one database serves several predictions (Scorer)
        return db_api.register(table, dataset_display_name=name, table_name=f"{name}_{uuid.uuid4().hex[:12]}")
    return db_api.register(table, dataset_display_name=name)


def comparison_names(model: dict) -> list[str]:
    return [comparison["output_column_name"] for comparison in model["comparisons"]]


def _pairs_from(predictions, names: list[str]) -> Iterator[Pair]:
    table = predictions.as_pyarrow_table()
    lefts, rights = table.column("identity_l").to_pylist(), table.column("identity_r").to_pylist()
    probabilities, weights = table.column("match_probability").to_pylist(), table.column("match_weight").to_pylist()
    per_level = []
    for name in names:
        gammas = table.column(f"gamma_{name}").to_pylist()
        contributions = table.column(f"mw_{name}").to_pylist()
        if f"mw_tf_adj_{name}" in table.column_names:
            contributions = [weight + (tf or 0.0) for weight, tf in
                             zip(contributions, table.column(f"mw_tf_adj_{name}").to_pylist(), strict=True)]
        per_level.append(list(zip(gammas, contributions, strict=True)))
    del table
    levels_of = list(zip(*per_level, strict=True)) if per_level else [()] * len(lefts)
    for left, right, probability, weight, levels in zip(lefts, rights, probabilities, weights, levels_of,
                                                        strict=True):
        if left == right:
            continue
        yield Pair(min(left, right), max(left, right), probability, weight, dict(zip(names, levels, strict=True)))


class Scorer:
    """One Splink database for all the scoring of one kind in a run: the first prediction and
    the rescoring the frequency rule asks for share a connection (and, on Spark, a session)
    instead of each starting their own."""

    def __init__(self, db_api):
        self.db_api = db_api

    def _linker(self, frame, model: dict, profiles: int, structure):
        from splink import Linker

        # Splink's settings check only logs columns the input lacks, and costs a quarter of a
        # second a linker: every table scored here has its kind's schema, the one the model was
        # trained and checked on (and a column truly missing still fails the prediction).
        return Linker(frame, prior_for(model, profiles, dialect=_dialect(self.db_api), structure=structure),
                      validate_settings=False)

    def predict(self, model: dict, table: pa.Table, *, threshold: float,
                structure=None) -> dict[tuple[int, int], Pair]:
        """Scored pairs of identities at or above `threshold`, the best profile pair for each."""
        if table.num_rows < 2:
            return {}
        frame = register(self.db_api, table, "profiles", shared=True)
        linker = self._linker(frame, model, table.num_rows, structure)
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        try:
            return _best(_pairs_from(predictions, comparison_names(model)))
        finally:
            _drop(predictions, frame)

    def predict_new(self, model: dict, table: pa.Table, new_ids: set[int], *, threshold: float,
                    structure=None) -> dict[tuple[int, int], Pair]:
        """Scored pairs involving the profiles of `new_ids` (against every profile, themselves
        included), without scoring the pairs of old profiles among themselves: a run for one
        return costs in proportion to that return, not to everything stored. Term frequencies
        come from the whole table, as in a full run."""
        if not new_ids or table.num_rows < 2:
            return {}
        import pyarrow.compute as pc

        new_table = table.filter(pc.is_in(table.column("identity"), value_set=pa.array(sorted(new_ids), pa.int64())))
        everything = register(self.db_api, table, "profiles", shared=True)
        new = register(self.db_api, new_table, "new_profiles", shared=True)
        linker = self._linker(everything, model, table.num_rows, structure)
        for column in _tf_columns(model):
            linker.table_management.compute_tf_table(column)
        predictions = linker.inference.predict_between(new, everything, threshold_match_probability=threshold,
                                                       warning_mode="never")
        try:
            return _best(_pairs_from(predictions, comparison_names(model)))
        finally:
            _drop(predictions, new, everything)


def _best(pairs: Iterator[Pair]) -> dict[tuple[int, int], Pair]:
    best: dict[tuple[int, int], Pair] = {}
    for pair in pairs:
        key = (pair.left, pair.right)
        kept = best.get(key)
        if kept is None or pair.weight > kept.weight:
            best[key] = pair
    return best


def _drop(*frames) -> None:
    """Free what a prediction leaves in the database: the next one shares it."""
    for frame in frames:
        try:
            frame.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        except Exception:  # noqa: BLE001 - a registered view or a Spark frame may not drop; the run goes on
            logger.debug("Could not drop %s", getattr(frame, "physical_name", frame))


@contextmanager
def scorer(engine: str = "duckdb", *, spark_session=None) -> Iterator[Scorer]:
    with database(engine, spark_session=spark_session) as db_api:
        yield Scorer(db_api)


def predict(model: dict, table: pa.Table, *, threshold: float, engine: str = "duckdb", spark_session=None,
            structure=None) -> dict[tuple[int, int], Pair]:
    """Scored pairs of identities at or above `threshold`, the best profile pair for each."""
    if table.num_rows < 2:
        return {}
    with scorer(engine, spark_session=spark_session) as scoring:
        return scoring.predict(model, table, threshold=threshold, structure=structure)


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
    """`Scorer.predict_new` in a database of its own."""
    if not new_ids or table.num_rows < 2:
        return {}
    with scorer(engine, spark_session=spark_session) as scoring:
        return scoring.predict_new(model, table, new_ids, threshold=threshold, structure=structure)
