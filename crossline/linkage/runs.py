"""Resolution runs: every current record (`linkage_resolve_full`) or one newly accepted return
(`linkage_resolve_return`), written as entities, links and review candidates, and audited.

A run is recorded before it starts and updated as it goes (stage, done, total) in transactions
of its own, so the run page and the command line can show progress; each kind's results are
stored in one transaction, and the audit record of the combination (DPA s.62: "combination")
is written with the last of them.
"""

import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.linkage import candidates, feedback, profile_store
from crossline.linkage.engine import deterministic, splink_run
from crossline.linkage.engine import people as people_engine
from crossline.linkage.engine.clustering import Clustering, Link
from crossline.linkage.engine.probabilistic import Thresholds, level_labels, reasons, split
from crossline.linkage.engine.records import (
    KINDS,
    Key,
    collection_paused,
    current_records,
    person_lines,
    snapshot_load,
)
from crossline.linkage.engine.resolve import Candidate, KindResult, Settings, resolve_kind
from crossline.linkage.engine.spark import session_for
from crossline.linkage.models import CommonValue, EntityMember, LinkRun, RunMode, RunStatus
from crossline.linkage.recluster import entities_of_keys, identities_of, recluster
from crossline.linkage.selectors import decisions_for, excluded_values, line_entity_labels
from crossline.linkage.services import entity_recount, linkage_model_active
from crossline.linkage.store import clusters_store
from crossline.returns.models import NationalReturn, Person, RecordLink

logger = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (stage, done, total)
THRESHOLDS = Thresholds(auto_link=0.97, review=0.5)
BULK_CACHE_KIB = 256 * 1024  # SQLite page cache while a run stores its entities
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


@contextmanager
def _bulk_writing() -> Iterator[None]:
    """On SQLite, a page cache big enough for the indexes a run writes into. The default (2 MB)
    is far smaller than the member table's six indexes at a million records, so each insert
    reads index pages back from the file: at 1M that doubles the time to store the members.
    The cache grows only as pages are used, and is given back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")
            cursor.execute("PRAGMA shrink_memory")


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
        # The profiles scored, kept for runs on single returns: written beside the database
        # writes below, in a thread of its own (Parquet's writer works outside the GIL).
        keeping = _ProfilesKeep.of_result(result, settings) if result.profiles is not None else None
        result.profiles = None
        _progress(run, report, f"{STAGES[kind]}: storing", step, len(kinds))
        with transaction.atomic(), collection_paused(), _bulk_writing():
            stored = clusters_store(run=run, result=result, full=True)
            entity_of = stored.pop("entity_of")
            queued = candidates.candidates_store(run=run, result=result, entity_of=entity_of, full=True)
            _common_values_keep(run, result)
        if kind == "line":
            line_labels = {snapshot.keys[node]: str(entity) for node, entity in entity_of.items()}
        counts[kind] = _kind_counts(result, stored, queued)
        if keeping is not None:
            token = keeping.result()
            if token:
                counts[kind]["profile_store"] = token
        # Where the time goes, for the run page and the benchmarks.
        counts[kind]["seconds"] = {"read": round(read - began, 2), "link": round(linked - read, 2),
                                   **{f"link: {step}": seconds for step, seconds in result.seconds.items()},
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



PERSON_EXCLUDABLE = ("phone", "address", "postcode")


def _person_excluded(excluded: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: set(excluded.get(name, set())) for name in PERSON_EXCLUDABLE}


class _ProfilesKeep:
    """Writes people profiles to the profile store in a thread (Parquet's writer works outside
    the GIL), beside the run's other work; `result()` waits for it and gives the file's token
    (None if it could not be written: the next run on a return then builds the profiles from
    the database)."""

    def __init__(self, stored: Callable[[], profile_store.Stored]):
        self.stored = stored
        self.token = None
        self.path = profile_store.store_path()
        self.thread = threading.Thread(target=self._write, name="profile-store", daemon=True)
        self.thread.start()

    @classmethod
    def of_result(cls, result: KindResult, settings: Settings) -> "_ProfilesKeep":
        """A full run's profiles, the table it scored last."""
        snapshot = result.snapshot
        # As a run on a return will read them: the exclusion list plus the values this run
        # found too common (kept as CommonValue below).
        excluded = _person_excluded(settings.excluded)
        for name, values in result.dropped.items():
            excluded.setdefault(name, set()).update(values)
        table, digests = result.profiles, {"excluded": profile_store.excluded_digest(excluded),
                                           "lines": profile_store.lines_digest(settings.line_entities or {})}
        # Laying out a million keys is left to the thread too.
        return cls(lambda: profile_store.Stored.of(
            snapshot.keys, table, returns={record.return_id for record in snapshot.records},
            records=len(snapshot.records), **digests))

    def _write(self) -> None:
        try:
            self.token = profile_store.write(self.stored(), self.path)
        except Exception:  # noqa: BLE001 - the store is a cache: the run stands without it
            logger.exception("Could not keep the people profiles")
        finally:
            self.stored = None

    def result(self) -> str | None:
        self.thread.join()
        return self.token


def _superseded_members_remove() -> set[int]:
    """Records of returns no longer current leave their entities; the entities they left."""
    gone = EntityMember.objects.filter(national_return__is_current=False)
    touched = set(gone.values_list("entity_id", flat=True).distinct())
    gone.delete()
    return touched


def _store_current(stored: profile_store.Stored | None) -> bool:
    """Whether the stored profiles are those the last run over people left (see profile_store)."""
    if stored is None:
        return False
    last = (LinkRun.objects.filter(status=RunStatus.FINISHED, counts__has_key="person")
            .order_by("-finished_at", "-id").values_list("counts", flat=True).first())
    return bool(last) and last.get("person", {}).get("profile_store") == stored.token


def _profiles_now(settings: Settings, national_return_id: int, excluded: dict[str, set[str]],
                  timings: dict) -> tuple[profile_store.Stored, set[Key]]:
    """Every current identity's profile, and the identities to score: from the profile store,
    rebuilding only the identities whose records changed since it was written; from the
    database if it is missing or out of date."""
    began = time.perf_counter()
    stored = profile_store.read()
    excluded_digest = profile_store.excluded_digest(excluded)
    lines_digest = profile_store.lines_digest(settings.line_entities)
    new_keys = set(Person.objects.filter(national_return_id=national_return_id).values_list(
        "national_return__force_id", "ref"))
    current = set(NationalReturn.objects.filter(is_current=True).values_list("pk", flat=True))
    records = Person.objects.filter(national_return__is_current=True).count()
    if _store_current(stored) and stored.excluded == excluded_digest:
        # Records are never changed in place, only added and superseded with their returns; a
        # count that does not add up means some were deleted (retention, erasure): rebuild.
        gone = Person.objects.filter(national_return_id__in=sorted(stored.returns - current)).count()
        added = Person.objects.filter(national_return_id__in=sorted(current - stored.returns)).count()
        if stored.records - gone + added != records:
            stored = None
    else:
        stored = None
    if stored is None:
        snapshot = snapshot_load("person")
        person_lines(snapshot)
        rows = people_engine.profile_rows(snapshot, excluded=excluded, line_entities=settings.line_entities)
        table = people_engine.profile_table(rows)
        del rows
        timings["profiles (all, from the database)"] = round(time.perf_counter() - began, 2)
        return profile_store.Stored.of(snapshot.keys, table,
                                       returns={record.return_id for record in snapshot.records},
                                    records=len(snapshot.records), excluded=excluded_digest,
                                    lines=lines_digest), new_keys
    changed = current ^ stored.returns
    affected = set(new_keys)
    if changed - {national_return_id}:
        affected |= set(Person.objects.filter(national_return_id__in=sorted(changed - {national_return_id}))
                        .values_list("national_return__force_id", "ref"))
    if stored.lines != lines_digest:
        # Lines were re-resolved: the people on any line may name a different entity now.
        affected |= set(RecordLink.objects.filter(national_return__is_current=True, from_sheet="people",
                                                  to_sheet="lines").values_list("national_return__force_id",
                                                                                "from_ref"))
    snapshot = snapshot_load("person", rows=current_records("person", keys=affected))
    person_lines(snapshot, returns={record.return_id for record in snapshot.records})
    rows = people_engine.profile_rows(snapshot, excluded=excluded, line_entities=settings.line_entities)
    stored = profile_store.replace(stored, affected, rows, snapshot.keys)
    stored.returns, stored.records, stored.lines = current, records, lines_digest
    timings["profiles (changed, from the store)"] = round(time.perf_counter() - began, 2)
    return stored, affected


def _person_increment(run: LinkRun, settings: Settings, national_return_id: int) -> dict:
    """People of one return against everyone stored: score only pairs involving its people,
    then re-cluster just the entities they touch."""
    timings: dict[str, float] = {}
    settings.line_entities = line_entity_labels()
    excluded = _person_excluded(excluded_values(kind="person"))
    stored, scored_keys = _profiles_now(settings, national_return_id, excluded, timings)
    # The profiles are final here: they are written back while the new people are scored.
    keeping = _ProfilesKeep(lambda: stored)
    new = set(stored.numbers(scored_keys).values())
    began = time.perf_counter()
    pairs = splink_run.predict_new(settings.models["person"], stored.table, new,
                                   threshold=settings.thresholds.review, engine=settings.engine,
                                   spark_session=settings.spark_session, structure=people_engine.settings())
    timings["predict"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    links, scored = split(pairs, settings.thresholds)
    # PNC ids the new people share with anyone.
    pncs = stored.table.column("pnc")
    identities = stored.table.column("identity")
    new_pncs = pc.unique(pc.drop_null(pncs.filter(pc.is_in(identities, value_set=pa.array(sorted(new), pa.int64())))))
    if len(new_pncs):
        holding = stored.table.filter(pc.is_in(pncs, value_set=new_pncs)).select(["pnc", "identity"]).to_pylist()
        holders = defaultdict(set)
        for row in holding:
            holders[row["pnc"]].add(row["identity"])
        for holder_set in holders.values():
            links += list(deterministic.chain(holder_set, (("field", "pnc"),)))
    reached = set(new) | {node for link in links for node in (link.left, link.right)}
    keys = stored.keys_of(reached | {node for pair in scored for node in (pair.left, pair.right)})
    entity_ids = entities_of_keys(kind="person", keys=[keys[node] for node in reached])
    scope = identities_of(entity_ids) | {keys[node] for node in reached}
    # From here on, only the identities in scope (and the other sides of candidate pairs): a
    # snapshot of their records alone.
    snapshot = snapshot_load("person", rows=current_records("person", keys=scope | set(keys.values())))
    index = snapshot.index

    def local(node: int) -> int | None:
        return index.get(keys[node])

    links = [Link(local(link.left), local(link.right), link.how, link.weight, link.evidence) for link in links
             if local(link.left) is not None and local(link.right) is not None]
    decisions = decisions_for(kind="person")
    model = settings.models["person"]
    labels = level_labels(model)
    candidates_found = [Candidate(local(pair.left), local(pair.right), pair.probability, pair.weight,
                                  reasons(pair, labels, people_engine.COMPARISONS)) for pair in scored
                        if local(pair.left) is not None and local(pair.right) is not None]
    stored_counts = recluster(kind="person", keys=scope, entity_ids=entity_ids, extra_links=links, run=run,
                              decisions=decisions, snapshot=snapshot)
    entity_of = stored_counts.pop("entity_of")
    local_keys = snapshot.keys
    result = KindResult("person", snapshot, Clustering(), [
        candidate for candidate in candidates_found
        if entity_of.get(candidate.left) != entity_of.get(candidate.right)
        and frozenset((local_keys[candidate.left], local_keys[candidate.right])) not in decisions.decided])
    new_local = {index[key] for key in scored_keys if key in index}
    queued = candidates.candidates_store(run=run, result=result, entity_of=entity_of, full=False, scope=new_local)
    timings["cluster and store"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    token = keeping.result()
    timings["profile store (waiting for it)"] = round(time.perf_counter() - began, 2)
    return {"records": sum(1 for record in snapshot.records if record.identity in new_local),
            "identities": len(new), "links": dict(Counter(link.how for link in links)), "candidates": queued,
            "entities_touched": len(set(entity_of.values())), "profile_store": token, "seconds": timings,
            **stored_counts}


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
            run_finish(run, counts=counts, conflicts=conflicts)
            # The forces' feedback reports read every shared entity, seconds at national scale:
            # they follow the run as a task of their own, so the new return's records are
            # resolved without waiting for them.
            _feedback_queue(run)
    except Exception as error:
        run_fail(run, error)
        raise
    report("Finished", len(KINDS), len(KINDS))
    return run


def _feedback_queue(run: LinkRun) -> None:
    """Queue the run's feedback reports. With the database task queue the task's row commits
    with the run (docs/adr/0007-background-work.md); a queue outside the database is only told
    once the run has committed."""
    from django_tasks_db.backend import DatabaseBackend

    from crossline.linkage.tasks import feedback_refresh  # the tasks call the runs, not the reverse

    if isinstance(feedback_refresh.get_backend(), DatabaseBackend):
        feedback_refresh.enqueue(link_run_id=run.pk)
    else:
        transaction.on_commit(lambda: feedback_refresh.enqueue(link_run_id=run.pk), robust=True)


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
