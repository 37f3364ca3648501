"""Resolution runs: every current record (`linkage_resolve_full`) or one newly accepted return
(`linkage_resolve_return`), written as entities, links and review candidates, and audited.

A run is recorded before it starts and updated as it goes (stage, done, total) in transactions
of its own, so the run page and the command line can show progress; each kind's results are
stored in one transaction, and the audit record of the combination (DPA s.62: "combination")
is written with the last of them.
"""

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.linkage import candidates, feedback
from crossline.linkage.engine import deterministic, splink_run
from crossline.linkage.engine import people as people_engine
from crossline.linkage.engine.clustering import Clustering
from crossline.linkage.engine.probabilistic import Thresholds, level_labels, reasons, split
from crossline.linkage.engine.records import KINDS, collection_paused, person_lines, snapshot_load
from crossline.linkage.engine.resolve import Candidate, KindResult, Settings, resolve_kind
from crossline.linkage.engine.spark import session_for
from crossline.linkage.models import CommonValue, EntityMember, LinkRun, RunMode, RunStatus
from crossline.linkage.recluster import entities_of_keys, identities_of, recluster
from crossline.linkage.selectors import decisions_for, excluded_values, line_entity_labels
from crossline.linkage.services import entity_recount, linkage_model_active
from crossline.linkage.store import clusters_store
from crossline.returns.models import NationalReturn, Person

logger = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (stage, done, total)
THRESHOLDS = Thresholds(auto_link=0.97, review=0.5)
STAGES = {"line": "Deal lines", "vehicle": "Vehicles", "location": "Locations", "person": "People"}


def _noop(stage: str, done: int, total: int) -> None:
    pass


def _progress(run: LinkRun, report: Progress, stage: str, done: int, total: int) -> None:
    run.stage, run.done, run.total = stage, done, total
    with transaction.atomic():
        LinkRun.objects.filter(pk=run.pk).update(stage=stage, done=done, total=total)
    report(stage, done, total)


def run_start(*, mode: str, started_by=None, engine: str = "duckdb", national_return=None) -> LinkRun:
    with transaction.atomic():
        run = LinkRun.objects.create(mode=mode, engine=engine, started_by=started_by, started_at=timezone.now(),
                                     national_return=national_return, thresholds=THRESHOLDS.as_dict(),
                                     stage="Starting")
    return run


def _settings(run: LinkRun, engine: str, spark_session=None) -> Settings:
    models = {}
    for kind in ("person", "location"):
        model = linkage_model_active(kind=kind)
        run.models_used.add(model)
        models[kind] = model.settings
    return Settings(models=models, excluded=excluded_values(), thresholds=THRESHOLDS, engine=engine,
                    spark_session=spark_session)


def _conflicts(result: KindResult) -> list[dict]:
    keys = result.snapshot.keys
    found = []
    for refusal in result.clustering.refused:
        link = refusal.link
        if link.how == "probabilistic":
            continue  # a score held apart by a rejection is the rejection working
        found.append({
            "kind": result.kind,
            "reason": ("A confirmed pair would join a rejected pair" if link.how == "analyst"
                       else "A shared identifier would join a rejected pair"),
            "evidence": dict(link.evidence), "link": [list(keys[link.left]), list(keys[link.right])],
            "rejected": [list(keys[refusal.apart[0]]), list(keys[refusal.apart[1]])],
        })
    return found


def _common_values_keep(run: LinkRun, result: KindResult) -> None:
    """Values a full run found too common are kept, so that runs for single returns skip them too."""
    CommonValue.objects.filter(kind=result.kind).delete()
    CommonValue.objects.bulk_create(
        [CommonValue(kind=result.kind, field=field, value=value, limit=result.limits.get(field, 0), run=run)
         for field, values in result.dropped.items() for value in sorted(values)], batch_size=5_000)


def linkage_resolve_full(*, started_by=None, engine: str = "duckdb", progress: Progress | None = None,
                         kinds: Iterable[str] = KINDS, spark_session=None, run: LinkRun | None = None) -> LinkRun:
    """Resolve every current record of `kinds` from scratch, keeping analysts' decisions."""
    report = progress or _noop
    run = run or run_start(mode=RunMode.FULL, started_by=started_by, engine=engine)
    kinds = [kind for kind in KINDS if kind in set(kinds)]
    try:
        with session_for(engine, spark_session) as session:
            counts, conflicts = _resolve_kinds(run, report, kinds, _settings(run, engine, session))
        _progress(run, report, "Feedback for forces", len(kinds), len(kinds))
        with transaction.atomic():
            feedback.feedback_write(run=run)
            run_finish(run, counts=counts, conflicts=conflicts)
    except Exception as error:
        run_fail(run, error)
        raise
    report("Finished", len(kinds), len(kinds))
    return run


def _resolve_kinds(run: LinkRun, report: Progress, kinds: list[str], settings: Settings) -> tuple[dict, list]:
    counts, conflicts = {}, []
    line_labels = None
    for step, kind in enumerate(kinds):
        _progress(run, report, f"{STAGES[kind]}: reading records", step, len(kinds))
        began = time.perf_counter()
        snapshot = snapshot_load(kind)
        if kind == "person":
            person_lines(snapshot)
            settings.line_entities = line_labels if line_labels is not None else line_entity_labels()
        read = time.perf_counter()
        _progress(run, report, f"{STAGES[kind]}: linking {len(snapshot.keys):,} references", step, len(kinds))
        with collection_paused():
            result = resolve_kind(kind, snapshot, settings, decisions_for(kind=kind))
        linked = time.perf_counter()
        _progress(run, report, f"{STAGES[kind]}: storing", step, len(kinds))
        with transaction.atomic(), collection_paused():
            stored = clusters_store(run=run, result=result, full=True)
            entity_of = stored.pop("entity_of")
            queued = candidates.candidates_store(run=run, result=result, entity_of=entity_of, full=True)
            _common_values_keep(run, result)
        if kind == "line":
            line_labels = {snapshot.keys[node]: str(entity) for node, entity in entity_of.items()}
        counts[kind] = _kind_counts(result, stored, queued)
        # Where the time goes, for the run page and the benchmarks.
        counts[kind]["seconds"] = {"read": round(read - began, 2), "link": round(linked - read, 2),
                                   "store": round(time.perf_counter() - linked, 2)}
        conflicts += _conflicts(result)
    return counts, conflicts


def _kind_counts(result: KindResult, stored: dict, queued: dict) -> dict:
    snapshot = result.snapshot
    return {
        "records": len(snapshot.records), "identities": len(snapshot.keys),
        "entities": len(result.clustering.members),
        "links": dict(result.links), "candidates": queued, "dropped_values": {field: len(values) for field, values
                                                                                 in result.dropped.items()},
        "limits": result.limits, **stored,
    }


def run_finish(run: LinkRun, *, counts: dict, conflicts: list) -> None:
    run.status, run.finished_at = RunStatus.FINISHED, timezone.now()
    run.counts, run.conflicts, run.stage = counts, conflicts, "Finished"
    run.save(update_fields=["status", "finished_at", "counts", "conflicts", "stage"])
    audit_record(action=AuditAction.LINK, object_type="linkage.LinkRun", object_refs=[run.pk],
                 actor=run.started_by,
                 detail={"mode": run.mode, "engine": run.engine, "national_return": run.national_return_id,
                         "thresholds": run.thresholds, "models": sorted(run.models_used.values_list("pk", flat=True)),
                         "counts": {kind: {name: value for name, value in kind_counts.items()
                                           if isinstance(value, int)} for kind, kind_counts in counts.items()},
                         "conflicts": len(conflicts)})


def run_fail(run: LinkRun, error: Exception) -> None:
    logger.error("Resolution run %s failed: %s", run.pk, type(error).__name__)
    try:
        with transaction.atomic():
            LinkRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(),
                                                     failure=type(error).__name__[:200])
    except Exception:  # noqa: BLE001 - the database may be what failed
        logger.exception("Could not mark run %s as failed", run.pk)



def _superseded_members_remove() -> set[int]:
    """Records of returns no longer current leave their entities; the entities they left."""
    gone = EntityMember.objects.filter(national_return__is_current=False)
    touched = set(gone.values_list("entity_id", flat=True).distinct())
    gone.delete()
    return touched


def _person_increment(run: LinkRun, settings: Settings, national_return_id: int) -> dict:
    """People of one return against everyone stored: score only pairs involving its people,
    then re-cluster just the entities they touch."""
    snapshot = snapshot_load("person")
    person_lines(snapshot)
    settings.line_entities = line_entity_labels()
    new_keys = set(Person.objects.filter(national_return_id=national_return_id).values_list(
        "national_return__force_id", "ref"))
    new = {snapshot.index[key] for key in new_keys if key in snapshot.index}
    excluded = excluded_values(kind="person")
    rows = people_engine.profile_rows(snapshot, excluded={name: excluded.get(name, set())
                                                          for name in ("phone", "address", "postcode")},
                                      line_entities=settings.line_entities)
    pairs = splink_run.predict_new(settings.models["person"], people_engine.profile_table(rows), new,
                                   threshold=settings.thresholds.review, engine=settings.engine,
                                   spark_session=settings.spark_session, structure=people_engine.settings())
    links, scored = split(pairs, settings.thresholds)
    pnc_at = 6
    new_pncs = {record.values[pnc_at] for record in snapshot.records if record.identity in new
                and record.values[pnc_at]}
    holders = defaultdict(set)
    for record in snapshot.records:
        if record.values[pnc_at] in new_pncs:
            holders[record.values[pnc_at]].add(record.identity)
    for identities in holders.values():
        links += list(deterministic.chain(identities, (("field", "pnc"),)))
    keys = snapshot.keys
    reached = set(new) | {node for link in links for node in (link.left, link.right)}
    entity_ids = entities_of_keys(kind="person", keys=[keys[node] for node in reached])
    scope = identities_of(entity_ids) | {keys[node] for node in reached}
    decisions = decisions_for(kind="person")
    model = settings.models["person"]
    labels = level_labels(model)
    candidates_found = [Candidate(pair.left, pair.right, pair.probability, pair.weight,
                                  reasons(pair, labels, people_engine.COMPARISONS)) for pair in scored]
    stored = recluster(kind="person", keys=scope, entity_ids=entity_ids, extra_links=links, run=run,
                       decisions=decisions, snapshot=snapshot)
    entity_of = stored.pop("entity_of")
    result = KindResult("person", snapshot, Clustering(), [
        candidate for candidate in candidates_found
        if entity_of.get(candidate.left) != entity_of.get(candidate.right)
        and frozenset((keys[candidate.left], keys[candidate.right])) not in decisions.decided])
    queued = candidates.candidates_store(run=run, result=result, entity_of=entity_of, full=False, scope=new)
    return {"records": sum(1 for record in snapshot.records if record.identity in new), "identities": len(new),
            "links": dict(Counter(link.how for link in links)), "candidates": queued,
            "entities_touched": len(set(entity_of.values())), **stored}


def linkage_resolve_return(*, national_return_id: int, progress: Progress | None = None, engine: str = "duckdb",
                           started_by=None) -> LinkRun:
    """Resolve one newly accepted return: its people against everyone stored, and the smaller
    kinds (lines, places, vehicles) again in full, writing only what changed."""
    report = progress or _noop
    national_return = NationalReturn.objects.get(pk=national_return_id)
    run = run_start(mode=RunMode.RETURN, started_by=started_by, engine=engine, national_return=national_return)
    try:
        counts = {}
        if not national_return.is_current:
            with transaction.atomic():
                run_finish(run, counts={"skipped": {"superseded": 1}}, conflicts=[])
            return run
        with transaction.atomic():
            left = _superseded_members_remove()
            entity_recount(entity_ids=left)
        with session_for(engine) as session:
            counts, conflicts = _increment_kinds(run, report, national_return_id, _settings(run, engine, session))
        with transaction.atomic():
            feedback.feedback_write(run=run)
            run_finish(run, counts=counts, conflicts=conflicts)
    except Exception as error:
        run_fail(run, error)
        raise
    report("Finished", len(KINDS), len(KINDS))
    return run


def _increment_kinds(run: LinkRun, report: Progress, national_return_id: int, settings: Settings):
    counts, conflicts = {}, []
    for step, kind in enumerate(KINDS):
        _progress(run, report, f"{STAGES[kind]}: linking", step, len(KINDS))
        if kind == "person":
            with transaction.atomic(), collection_paused():
                counts[kind] = _person_increment(run, settings, national_return_id)
            continue
        settings.excluded = excluded_values(kind=kind)
        result = resolve_kind(kind, snapshot_load(kind), settings, decisions_for(kind=kind))
        with transaction.atomic():
            stored = clusters_store(run=run, result=result, full=True)
            queued = candidates.candidates_store(run=run, result=result, entity_of=stored.pop("entity_of"),
                                                 full=True)
        counts[kind] = _kind_counts(result, stored, queued)
        conflicts += _conflicts(result)
    return counts, conflicts
