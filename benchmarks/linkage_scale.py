"""Resolution at scale: Crossline's full run against raw Splink with the same model on the same
people, at 100k and 1M records, plus one new return of 5k resolved against everything stored.
Prints times, their ratios (goal <= 1.25), accuracy and peak memory. Not a test.

    .venv/bin/python benchmarks/linkage_scale.py                 # 100k and 1M, each in its own process
    .venv/bin/python benchmarks/linkage_scale.py --records 100000 --new 5000

Each size runs in a fresh process with a throwaway SQLite database (or DATABASE_URL's server,
if set). People are generated as in linkage-notes.md §2b: one record per force reference, 15% of
them corrupted duplicates of another (typos, swapped names, transposed dates of birth, moves,
changed phones). The records are written straight into the returns tables, as an accepted
return's would be: this measures linkage, not ingest (benchmarks/validate_return.py does that).

- Raw Splink, two ways. Engine only: the same profiles, already built, as an Arrow table,
  `Linker(table, model)`, predict at 0.5, cluster at the auto-link threshold; nothing read or
  written. Database to database: what a user of Splink alone would run to resolve the same
  records: read them from the same database, build the same profiles, predict and cluster as
  above, and write each record's cluster to a table there, committed.
- Crossline: `linkage_resolve_full(kinds=["person"])`, twice. It reads the records from the
  database, builds profiles, PNC links, predicts, applies the frequency rule (a second predict
  when it drops values), clusters under analysts' decisions, and writes entities, members,
  links, the review queue and feedback. The first run finds nothing stored (an initial load:
  every row is new); the second resolves the same records again, as after a model change, and
  writes only what changed. Each is compared with both raw figures.
- New return: `linkage_resolve_return` for a return of --new further records; then, timed on its
  own, the forces' feedback reports that follow it as a separate task.
"""

import argparse
import atexit
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- people -----------------------------------------------------------------------------------
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    return [text[:i] + text[i + 1:], text[:i] + text[i] + text[i:], text[:i] + rng.choice(LETTERS) + text[i + 1:],
            text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]][rng.randrange(4)]


def people(count: int, seed: int, first_serial: int = 0):
    """`count` records, 15% of them corrupted duplicates; yields (serial, entity, fields)."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    forenames = [fake.first_name() for _ in range(4000)]
    surnames = [fake.last_name() for _ in range(8000)]
    streets = [f"{fake.last_name()} {rng.choice(('Road', 'Street', 'Lane', 'Close', 'Avenue'))}" for _ in range(5000)]
    towns = [fake.city() for _ in range(400)]
    districts = [f"{rng.choice(('LS', 'BD', 'HX', 'YO', 'HG', 'M', 'L', 'B', 'S', 'NE'))}{rng.randint(1, 30)}"
                 for _ in range(2500)]
    # Zipf weights giving the top forename about 3% of records and the top surname about 2%,
    # as in the notes' generator (steeper heads make blocks, and runs, explode).
    zipf_forename = list(itertools.accumulate(1 / (rank + 1) ** 0.75 for rank in range(len(forenames))))
    zipf_surname = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(surnames))))
    bases = []
    for serial in range(first_serial, first_serial + count):
        if bases and rng.random() < 0.15:
            parent = rng.choice(bases)
            fields = dict(parent[1])
            roll = rng.random()
            if roll < 0.13:
                fields["forenames"] = _typo(rng, fields["forenames"])
            elif roll < 0.17:
                fields["surname"] = rng.choices(surnames, cum_weights=zipf_surname)[0]
            elif roll < 0.20:
                fields["forenames"], fields["surname"] = fields["surname"], fields["forenames"]
            born = fields["date_of_birth"]
            roll = rng.random()
            if roll < 0.06 and born.day <= 12 and born.day != born.month:
                fields["date_of_birth"] = born.replace(month=born.day, day=born.month)
            elif roll < 0.14:
                fields["date_of_birth"] = born + timedelta(days=rng.choice((-1, 1)))
            if rng.random() < 0.2:
                fields["address"], fields["postcode"] = _address(rng, streets, towns, districts)
            elif rng.random() < 0.08:
                fields["postcode"] = fields["postcode"][:-1] + rng.choice("ABDEFGHJ")
            roll = rng.random()
            if roll < 0.3:
                fields["phone_numbers"] = [f"+447911{serial + 3_000_000:07d}"]
            elif roll < 0.55:
                fields["phone_numbers"] = []
            yield serial, parent[0], fields
            continue
        address, postcode = _address(rng, streets, towns, districts)
        fields = {"forenames": rng.choices(forenames, cum_weights=zipf_forename)[0], "surname": rng.choices(surnames, cum_weights=zipf_surname)[0],
                  "date_of_birth": date(1960, 1, 1) + timedelta(days=rng.randrange(50 * 365)),
                  "gender": rng.choice(("male", "female")), "address": address, "postcode": postcode,
                  "phone_numbers": [f"+447700{serial:07d}"] if rng.random() < 0.75 else []}
        if len(bases) < 200_000 or rng.random() < 0.2:
            bases.append((serial, fields))
        yield serial, serial, fields


def _address(rng, streets, towns, districts) -> tuple[str, str]:
    district = rng.choice(districts)
    return (f"{rng.randint(1, 200)} {rng.choice(streets)}, {rng.choice(towns)}",
            f"{district} {rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")


# --- the database -------------------------------------------------------------------------------
def setup_database() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="crossline-linkage-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ["SQLITE_PATH"] = os.path.join(folder, "bench.sqlite3")
    # The people profile store (and anything else a run keeps on disk) goes with the throwaway data.
    var = tempfile.mkdtemp(prefix="crossline-linkage-bench-var-")
    atexit.register(shutil.rmtree, var, ignore_errors=True)
    os.environ["CROSSLINE_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from crossline.organisations.services import organisations_seed_policing
    from crossline.reference.services import refdata_load

    refdata_load()
    organisations_seed_policing()


def store(records, *, period_end: date, forces: list[str], tag: str) -> list[int]:
    """One current return per force for the month, holding the records dealt out among them."""
    from django.db import transaction
    from django.utils import timezone

    from crossline.linkage.synthetic import synthetic_submitter
    from crossline.returns.models import NationalReturn, Person, Submission
    from crossline.returns.normalise import name_key

    now = timezone.now()
    returns = {}
    with transaction.atomic():
        for force in forces:
            user = synthetic_submitter(force)
            submission = Submission.objects.create(
                organisation=user.organisation, submitted_by=user, received_at=now, finished_at=now, form="json",
                filename=f"{tag}.json", raw_sha256="0" * 64, raw_size=0, request_fingerprint=tag,
                status="accepted")
            returns[force] = NationalReturn.objects.create(
                force_id=force, period_start=period_end.replace(day=1), period_end=period_end, version=1,
                content_sha256=f"{tag}-{force}", format_version=1, submitted_by="Benchmark",
                contact_email="bench@example.police.uk", accepted_at=now, submission=submission)
            Submission.objects.filter(pk=submission.pk).update(national_return=returns[force])
        batch = []
        for serial, _entity, fields in records:
            force = forces[serial % len(forces)]
            batch.append(Person(
                national_return=returns[force], row_number=serial, ref=f"P{serial:08d}", source_eval="R",
                intel_assessment="2", handling_code="P", submitted={}, surname=fields["surname"],
                forenames=fields["forenames"], surname_key=name_key(fields["surname"]),
                forenames_key=name_key(fields["forenames"]), date_of_birth=fields["date_of_birth"],
                gender=fields["gender"], phone_numbers=fields["phone_numbers"], address=fields["address"],
                postcode=fields["postcode"], postcode_district=fields["postcode"].split(" ")[0], roles=["associate"],
                vulnerable=False))
            if len(batch) == 5_000:
                Person.objects.bulk_create(batch)
                batch = []
        Person.objects.bulk_create(batch)
    return [national_return.pk for national_return in returns.values()]


# --- one size -----------------------------------------------------------------------------------
def splink_clusters(model: dict, table, threshold: float):
    """Splink alone: the profiles predicted at 0.5 and clustered at `threshold`; (identity, cluster_id)."""
    from splink import DuckDBAPI, Linker

    from crossline.linkage.engine.splink_run import prior_for

    frame = DuckDBAPI().register(table, dataset_display_name="profiles")
    linker = Linker(frame, prior_for(model, table.num_rows))
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold)
    return clusters.as_pyarrow_table().select(["identity", "cluster_id"])


def raw_splink(model: dict, truth: dict[str, int], threshold: float) -> dict:
    """Splink alone on the same profiles: predict and cluster, nothing else."""

    from crossline.linkage.engine import people
    from crossline.linkage.engine.records import snapshot_load

    snapshot = snapshot_load("person")
    table = people.profile_table(people.profile_rows(snapshot))
    started, cpu = time.perf_counter(), time.process_time()
    rows = splink_clusters(model, table, threshold).to_pylist()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    keys = snapshot.keys
    found = {keys[row["identity"]][1]: str(row["cluster_id"]) for row in rows}
    return {"seconds": elapsed, "cpu_seconds": cpu, **score(found, truth)}


def raw_splink_db_to_db(model: dict, truth: dict[str, int], threshold: float) -> dict:
    """Splink doing the whole job as a user of Splink alone would: the same records read from the
    same database, the same profiles built (the model's input columns), predict and cluster, and
    each record's cluster written back to a table in that database, committed. What Crossline
    does beyond this (identifier links, the frequency rule, decisions, entities that keep their
    numbers, links, the review queue, forces' feedback) is what the ratio against it measures."""
    from django.db import connection, transaction

    from crossline.linkage.engine import people
    from crossline.linkage.engine.records import snapshot_load

    started, cpu = time.perf_counter(), time.process_time()
    snapshot = snapshot_load("person")
    table = people.profile_table(people.profile_rows(snapshot))
    clustered = splink_clusters(model, table, threshold)
    cluster_of = dict(zip(clustered.column("identity").to_pylist(), clustered.column("cluster_id").to_pylist(),
                          strict=True))
    rows = [(record.pk, str(cluster_of[record.identity])) for record in snapshot.records]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_splink_clusters (record_id bigint PRIMARY KEY, cluster_id varchar(40))")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_splink_clusters (record_id, cluster_id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO bench_splink_clusters (record_id, cluster_id) VALUES (%s, %s)", rows)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_splink_clusters")
    keys = snapshot.keys
    found = {keys[identity][1]: str(cluster) for identity, cluster in cluster_of.items()}
    return {"seconds": elapsed, "cpu_seconds": cpu, **score(found, truth)}


def score(found: dict[str, str], truth: dict[str, int]) -> dict:
    from collections import defaultdict

    def pairs(groups):
        result = set()
        for members in groups.values():
            ordered = sorted(members)
            result.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
        return result

    true_groups, found_groups = defaultdict(set), defaultdict(set)
    for ref, entity in truth.items():
        true_groups[entity].add(ref)
        found_groups[found.get(ref, ref)].add(ref)
    true_pairs, found_pairs = pairs(true_groups), pairs(found_groups)
    right = len(true_pairs & found_pairs)
    return {"precision": right / max(len(found_pairs), 1), "recall": right / max(len(true_pairs), 1)}


def one_size(records: int, new: int, seed: int) -> dict:
    setup_database()
    from crossline.linkage.exports import entity_rows
    from crossline.linkage.runs import THRESHOLDS, linkage_resolve_full, linkage_resolve_return
    from crossline.linkage.services import linkage_model_active
    from crossline.reference.models import PoliceForce

    forces = sorted(PoliceForce.objects.values_list("pk", flat=True))
    generated = list(people(records + new, seed))
    truth = {f"P{serial:08d}": entity for serial, entity, _fields in generated}
    started = time.perf_counter()
    store(generated[:records], period_end=date(2026, 9, 30), forces=forces, tag="bench")
    loaded = time.perf_counter() - started
    figures = {"records": records, "load_seconds": round(loaded, 1), "peak_mb_after_load": round(peak_mb())}
    model = linkage_model_active(kind="person").settings
    base = {ref: entity for ref, entity in truth.items() if int(ref[1:]) < records}
    figures["raw_splink"] = raw_splink(model, base, THRESHOLDS.auto_link)

    figures["raw_db_to_db"] = raw_splink_db_to_db(model, base, THRESHOLDS.auto_link)
    figures["peak_mb_after_raw"] = round(peak_mb())

    for label in ("first", "again"):
        # First: nothing stored yet, every entity, member and link is new (an initial load).
        # Again: the same records resolved once more (as after a model or threshold change):
        # everything is compared and only what changed is written.
        started, cpu = time.perf_counter(), time.process_time()
        run = linkage_resolve_full(kinds=["person"])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        found = {ref: entity for _force, sheet, ref, entity in entity_rows() if sheet == "people"}
        figures[f"full_{label}"] = {"seconds": seconds, "cpu_seconds": cpu, **score(found, base),
                                    "dropped_values": run.counts["person"]["dropped_values"],
                                    "stages": run.counts["person"]["seconds"]}
    figures["peak_mb_after_full"] = round(peak_mb())

    if new:
        (national_return, *_rest) = store(generated[records:], period_end=date(2026, 10, 31), forces=forces[:1],
                                          tag="bench-new")
        started, cpu = time.perf_counter(), time.process_time()
        new_run = linkage_resolve_return(national_return_id=national_return)
        figures["new_return"] = {"records": new, "seconds": time.perf_counter() - started,
                                 "cpu_seconds": time.process_time() - cpu,
                                 "stages": new_run.counts["person"].get("seconds", {})}
        found = {ref: entity for _force, sheet, ref, entity in entity_rows() if sheet == "people"}
        figures["new_return"].update(score(found, truth))
        # The forces' feedback reports follow a return's run as a task of their own (the worker
        # runs it once the run has committed): timed here as the worker would run it.
        from crossline.linkage.feedback import feedback_after_run

        started, cpu = time.perf_counter(), time.process_time()
        feedback_after_run(run=new_run)
        figures["new_return"]["feedback_seconds"] = time.perf_counter() - started
        figures["new_return"]["feedback_cpu_seconds"] = time.process_time() - cpu
        figures["peak_mb_after_new"] = round(peak_mb())
    figures["load"] = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    from django.db import connection

    figures["database"] = connection.vendor
    return figures


def report(figures: dict) -> None:
    raw, pipeline = figures["raw_splink"], figures["raw_db_to_db"]
    print(f"\n{figures['records']:,} people records on {figures.get('database', '?')} (loaded in "
          f"{figures['load_seconds']} s)")
    print(f"  raw Splink, engine only:          {raw['seconds']:7.1f} s  (CPU {raw['cpu_seconds']:6.1f} s)   "
          f"precision {raw['precision']:.4f}  recall {raw['recall']:.4f}   profiles in memory: predict + cluster")
    print(f"  raw Splink, database to database: {pipeline['seconds']:7.1f} s  (CPU {pipeline['cpu_seconds']:6.1f} s)"
          f"   precision {pipeline['precision']:.4f}  recall {pipeline['recall']:.4f}   read, profiles, predict, "
          f"cluster, clusters written")
    for label, title in (("first", "first (nothing stored)"), ("again", "again (all stored)")):
        run = figures[f"full_{label}"]
        print(f"  Crossline full run, {title:<22}{run['seconds']:7.1f} s  (CPU {run['cpu_seconds']:6.1f} s)   "
              f"precision {run['precision']:.4f}  recall {run['recall']:.4f}   dropped {run['dropped_values']}")
        print("      stages (s): " + ", ".join(f"{stage} {seconds}" for stage, seconds in run["stages"].items()))
        for base, name in ((pipeline, "Splink database to database"), (raw, "Splink engine only")):
            ratio, cpu_ratio = run["seconds"] / base["seconds"], run["cpu_seconds"] / base["cpu_seconds"]
            print(f"      ratio to {name + ':':<29}{ratio:5.2f}  (CPU {cpu_ratio:4.2f}; goal <= 1.25: "
                  f"{'met' if ratio <= 1.25 else 'not met'})")
    if "new_return" in figures:
        new = figures["new_return"]
        print(f"  new return of {new['records']:,} against them: {new['seconds']:5.1f} s  (CPU {new['cpu_seconds']:.1f} s;"
              f" goal <= 10 s: {'met' if new['seconds'] <= 10 else 'not met'})   precision {new['precision']:.4f}  "
              f"recall {new['recall']:.4f}")
        print("  new return's stages (s):         " + ", ".join(f"{stage} {seconds}" for stage, seconds
                                                               in new.get("stages", {}).items()))
        if "feedback_seconds" in new:
            print(f"  then the forces' feedback (its own task): {new['feedback_seconds']:.1f} s "
                  f"(CPU {new['feedback_cpu_seconds']:.1f} s)")
    print(f"  peak memory: {figures['peak_mb_after_load']:,} MB after loading, {figures['peak_mb_after_raw']:,} MB "
          f"after raw Splink, {figures['peak_mb_after_full']:,} MB after the full run"
          + (f", {figures['peak_mb_after_new']:,} MB after the new return" if "peak_mb_after_new" in figures else ""))
    print(f"  load average over the run: {figures.get('load', '?')} (2 cores: above 2, other work slowed every figure)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, action="append", help="people records (default 100000 and 1000000)")
    parser.add_argument("--new", type=int, default=5_000, help="records in the new return (default 5000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = args.records or [100_000, 1_000_000]
    if len(sizes) == 1 and args.json:
        print(json.dumps(one_size(sizes[0], args.new, args.seed)))
        return 0
    for size in sizes:
        # A process per size: peak memory is per size, and nothing is cached between them.
        output = subprocess.run([sys.executable, __file__, "--records", str(size), "--new", str(args.new),  # noqa: S603 - ourselves
                                 "--seed", str(args.seed), "--json"], capture_output=True, text=True, check=False)
        if output.returncode:
            print(output.stderr[-3000:])
            return output.returncode
        report(json.loads(output.stdout.strip().splitlines()[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
