"""Resolving one kind of record: the links each kind's evidence gives, analysts' decisions on
top, clustering under those decisions, and the pairs left for an analyst to decide.

Pure computation over a Snapshot: nothing here reads or writes the database, so the same code
serves a full run, a run for one new return, the evaluation and the benchmarks.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from crossline.linkage.engine import deterministic, people, places, splink_run
from crossline.linkage.engine.clustering import Clustering, Link, cluster
from crossline.linkage.engine.names import address_key
from crossline.linkage.engine.probabilistic import (
    MIN_HOLDERS_LIMIT,
    Thresholds,
    level_labels,
    reasons,
    split,
    too_common,
)
from crossline.linkage.engine.records import Key, Snapshot

# A field an exclusion applies to, per kind.
EXCLUDABLE = {"line": ("phone",), "person": ("phone", "address", "postcode"), "location": ("address", "postcode"),
              "vehicle": ("vrm",)}


@dataclass(frozen=True)
class Candidate:
    left: int
    right: int
    probability: float | None
    weight: float | None
    reasons: list


@dataclass
class Decisions:
    """Analysts' decisions, by identity keys: they outlive any one run's numbering."""

    confirmed: list[tuple[Key, Key]] = field(default_factory=list)
    rejected: list[tuple[Key, Key]] = field(default_factory=list)
    decided: set[frozenset] = field(default_factory=set)  # confirmed, rejected or unsure: not queued again


@dataclass
class Settings:
    models: dict[str, dict]  # kind -> trained Splink model (person, location)
    excluded: dict[str, set[str]] = field(default_factory=dict)  # field -> values never used to link
    thresholds: Thresholds = field(default_factory=Thresholds)
    engine: str = "duckdb"
    spark_session: object = None
    line_entities: dict = field(default_factory=dict)  # line identity (force, ref) -> its line's label


@dataclass
class KindResult:
    kind: str
    snapshot: Snapshot
    clustering: Clustering
    candidates: list[Candidate]
    dropped: dict[str, set[str]] = field(default_factory=dict)  # field -> values found too common
    limits: dict[str, int] = field(default_factory=dict)
    links: Counter = field(default_factory=Counter)  # links found, by how
    seconds: dict = field(default_factory=dict)  # where the time went, by step
    profiles: object = None  # people: the profile table scored last (pyarrow), for the profile store


def _pairs(decided: list[tuple[Key, Key]], snapshot: Snapshot) -> list[tuple[int, int]]:
    index = snapshot.index
    return [(index[left], index[right]) for left, right in decided if left in index and right in index]


def _m_of(model: dict, comparison: str, level_index: int = 0) -> float:
    for item in model["comparisons"]:
        if item["output_column_name"] == comparison:
            levels = [level for level in item["comparison_levels"] if not level.get("is_null_level")]
            return levels[level_index]["m_probability"]
    return 0.0


def _holders(rows: list[tuple]) -> dict[str, dict[str, set[int]]]:
    """field -> value -> identities whose profiles hold it."""
    columns = people.COLUMNS
    phone_at, address_at, identity_at = columns.index("phones"), columns.index("address"), columns.index("identity")
    holders: dict[str, dict[str, set[int]]] = {"phone": defaultdict(set), "address": defaultdict(set)}
    for row in rows:
        for number in row[phone_at] or ():
            holders["phone"][number].add(row[identity_at])
        if row[address_at]:
            holders["address"][row[address_at]].add(row[identity_at])
    return holders


def _table_without(table, snapshot: Snapshot, identities: set[int], *, excluded: dict, dropped: dict,
                   line_entities: dict):
    """The profile table again with `dropped` values taken out: only the identities that held
    one are built afresh (every other profile is unchanged), then all numbered anew."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fresh = people.profile_rows(snapshot, excluded=excluded, dropped=dropped, identities=identities,
                                line_entities=line_entities)
    unchanged = table.filter(pc.invert(pc.is_in(table.column("identity"),
                                                value_set=pa.array(sorted(identities), pa.int64()))))
    table = pa.concat_tables([unchanged, people.profile_table(fresh)])
    return table.set_column(0, "unique_id", pa.array(range(table.num_rows), pa.int64()))


def _person_links(snapshot: Snapshot, settings: Settings, timings: dict) -> tuple[list[Link], dict, dict, dict,
                                                                                 object]:
    model = settings.models["person"]
    excluded = {name: settings.excluded.get(name, set()) for name in EXCLUDABLE["person"]}
    began = time.perf_counter()
    links = deterministic.shared_value_links(snapshot, 6, "pnc")
    rows = people.profile_rows(snapshot, excluded=excluded, line_entities=settings.line_entities)
    holders = _holders(rows)
    # Before comparing anything: a force reports one person under one reference, so a value
    # held by more identities than forces x the least limit below belongs to more people than
    # that limit, whatever the scores would say. Dropping these first keeps huge blocks (every
    # record at one custody suite) out of the comparison.
    forces = len({force for force, _ref in snapshot.keys})
    cap = MIN_HOLDERS_LIMIT * max(forces, 1)
    dropped = {name: {value for value, identities in values.items() if len(identities) > cap}
               for name, values in holders.items()}
    table = people.profile_table(rows)
    del rows  # the table holds them now, in a tenth of the memory
    if any(dropped.values()):
        held = {identity for name, values in dropped.items() for value in values for identity in holders[name][value]}
        table = _table_without(table, snapshot, held, excluded=excluded, dropped=dropped,
                               line_entities=settings.line_entities)
    timings["profiles"] = round(time.perf_counter() - began, 2)
    with splink_run.scorer(settings.engine, spark_session=settings.spark_session) as scoring:
        began = time.perf_counter()
        pairs = scoring.predict(model, table, threshold=settings.thresholds.review, structure=people.settings())
        timings["predict"] = round(time.perf_counter() - began, 2)
        began = time.perf_counter()
        limits = {}
        more = False
        for name, comparison in (("phone", "phones"), ("address", "location")):
            remaining = holders[name] if not dropped[name] else {
                value: identities for value, identities in holders[name].items() if value not in dropped[name]}
            common, limits[name] = too_common(size=len(snapshot.keys), holders=remaining, links=links, pairs=pairs,
                                              comparison=comparison, m_agree=_m_of(model, comparison))
            more = more or bool(common)
            dropped[name] |= common
        if more:
            # Score again only the people who held a dropped value: every other pair is unchanged.
            affected = {identity for name, values in dropped.items() for value in values
                        for identity in holders[name].get(value, ())}
            table = _table_without(table, snapshot, affected, excluded=excluded, dropped=dropped,
                                   line_entities=settings.line_entities)
            rescored = scoring.predict_new(model, table, affected, threshold=settings.thresholds.review,
                                           structure=people.settings())
            pairs = {key: pair for key, pair in pairs.items() if key[0] not in affected and key[1] not in affected}
            pairs.update(rescored)
        timings["frequency_rule"] = round(time.perf_counter() - began, 2)
    return links, pairs, {name: values for name, values in dropped.items() if values}, limits, table


def _location_links(snapshot: Snapshot, settings: Settings) -> tuple[list[Link], dict]:
    excluded = {name: settings.excluded.get(name, set()) for name in EXCLUDABLE["location"]}
    links = deterministic.shared_value_links(snapshot, 4, "uprn")
    links += deterministic.address_links(snapshot, excluded_addresses=excluded["address"],
                                         excluded_postcodes=excluded["postcode"])
    rows = places.profile_rows(snapshot, excluded=excluded)
    pairs = splink_run.predict(settings.models["location"], places.profile_table(rows),
                               threshold=settings.thresholds.review, engine=settings.engine,
                               spark_session=settings.spark_session, structure=places.settings())
    return links, pairs


def _contested_lines(pairs: list[tuple[int, int]]) -> list[Candidate]:
    why = [{"field": "Deal number", "level": "Same number in the same months", "weight": None, "agrees": True},
           {"field": "Line name", "level": "Different line names", "weight": None, "agrees": False}]
    return [Candidate(left, right, None, None, why) for left, right in pairs]


def resolve_kind(kind: str, snapshot: Snapshot, settings: Settings, decisions: Decisions | None = None) -> KindResult:
    decisions = decisions or Decisions()
    dropped, limits, pairs, candidates, timings, profiles = {}, {}, {}, [], {}, None
    if kind == "line":
        links, contested = deterministic.line_links(snapshot, excluded=settings.excluded.get("phone", set()))
        candidates = _contested_lines(contested)
    elif kind == "vehicle":
        links = deterministic.shared_value_links(snapshot, 0, "vrm", excluded=settings.excluded.get("vrm", set()))
    elif kind == "location":
        links, pairs = _location_links(snapshot, settings)
    elif kind == "person":
        links, pairs, dropped, limits, profiles = _person_links(snapshot, settings, timings)
    else:
        raise ValueError(f"Unknown kind {kind!r}.")
    began = time.perf_counter()
    scored_links, scored = split(pairs, settings.thresholds)
    links = links + scored_links
    if pairs:
        model = settings.models[kind]
        labels, titles = level_labels(model), (people.COMPARISONS if kind == "person" else places.COMPARISONS)
        candidates += [Candidate(pair.left, pair.right, pair.probability, pair.weight, reasons(pair, labels, titles))
                       for pair in scored]
    found = Counter(link.how for link in links)
    links += [Link(left, right, "analyst", evidence=(("decision", "confirmed"),))
              for left, right in _pairs(decisions.confirmed, snapshot)]
    clustering = cluster(len(snapshot.keys), links, apart=_pairs(decisions.rejected, snapshot))
    root = {node: root for root, members in clustering.members.items() for node in members}
    keys = snapshot.keys
    open_candidates = [candidate for candidate in candidates if root[candidate.left] != root[candidate.right]
                       and frozenset((keys[candidate.left], keys[candidate.right])) not in decisions.decided]
    timings["cluster"] = round(time.perf_counter() - began, 2)
    return KindResult(kind, snapshot, clustering, open_candidates, dropped, limits, found, timings, profiles)


def address_values(addresses: list[str]) -> set[str]:
    """Exclusion-list addresses in the form they are compared in."""
    return {key for key in (address_key(address) for address in addresses) if key}


def entity_labels(result: KindResult) -> dict[Key, str]:
    """Each identity's entity within one run's result, as a label to compare by."""
    keys = result.snapshot.keys
    return {keys[node]: str(root) for root, members in result.clustering.members.items() for node in members}
