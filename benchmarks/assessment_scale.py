"""Scoring at scale: `assess_lines` over N resolved lines, each with its people, places and events.
Prints the time to score everything (twice: the second run also keeps the first as history),
the time of the national priority list's first page, and peak memory. Not a test.

    .venv/bin/python benchmarks/assessment_scale.py                  # 1,000 and 10,000 lines
    .venv/bin/python benchmarks/assessment_scale.py --lines 5000

Each size runs in its own process with a throwaway SQLite database (or DATABASE_URL's server, if
set). Records and entities are written straight into the tables, as an accepted return and a
resolution run would leave them (12 people, 3 places and 3 events a line; lines in gangs of
three sharing a line holder; 1 line in 20 reported by a second force): this measures scoring, not
ingest or linkage.
"""

import argparse
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

PEOPLE_PER_LINE, PLACES_PER_LINE, EVENTS_PER_LINE = 12, 3, 3


def build(lines: int, seed: int = 1) -> None:
    from django.utils import timezone

    from crossline.linkage.models import Entity, EntityMember
    from crossline.organisations.models import Organisation, OrganisationKind
    from crossline.reference.models import PoliceForce
    from crossline.returns.models import (
        Event,
        Line,
        Location,
        NationalReturn,
        Person,
        RecordLink,
        Submission,
    )

    rng = random.Random(seed)
    now = timezone.now()
    forces = list(PoliceForce.objects.filter(is_territorial=True).order_by("code").values_list("code", flat=True))
    organisations = {org.police_force_id: org for org in Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)}
    returns = {}
    for code in forces:
        submission = Submission.objects.create(
            organisation=organisations[code], received_at=now, filename="bench.json", raw_sha256="0" * 64,
            raw_size=1, request_fingerprint="0" * 64, status="accepted")
        returns[code] = NationalReturn.objects.create(
            force_id=code, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), version=1,
            content_sha256=code.ljust(64, "0"), format_version=1, submitted_by="bench", contact_email="b@example.org",
            accepted_at=now, submission=submission)
    grading = {"source_eval": "R", "intel_assessment": "2", "handling_code": "P"}
    line_rows, person_rows, place_rows, event_rows, link_rows = [], [], [], [], []
    members = []  # (kind, record index, force, ref, entity key)
    for n in range(lines):
        reporters = [rng.choice(forces)]
        if n % 20 == 0:
            reporters.append(rng.choice([code for code in forces if code != reporters[0]]))
        for force in reporters:
            nr = returns[force]
            ref = f"L-{n}"
            line_rows.append(Line(national_return=nr, row_number=len(line_rows) + 2, ref=ref, line_name=f"LINE {n}",
                                  deal_numbers=[f"+4477009{n:05d}"], exporting_area_code=force,
                                  exporting_area_kind="force", exporting_force_id=force,
                                  importing_area_codes=[rng.choice(forces)], importing_force_codes=[rng.choice(forces)],
                                  drugs=["crack_cocaine", "heroin"], status=rng.choice(["active", "dormant", "closed"]),
                                  last_reported=date(2026, 10, rng.randint(1, 31)), weapons=rng.choice([[], ["knife"]]),
                                  **grading))
            members.append(("line", len(line_rows) - 1, force, ref, ("line", n)))
            for p in range(PEOPLE_PER_LINE if force == reporters[0] else 2):
                # The first person of each gang of three lines is its line holder: one person, three lines.
                key = ("person", n // 3, "holder") if p == 0 else ("person", n, p)
                person_ref = f"P-{n}-{p}"
                child = p in (1, 2) and rng.random() < 0.6
                person_rows.append(Person(national_return=nr, row_number=len(person_rows) + 2, ref=person_ref,
                                          surname=f"S{n}", forenames=f"F{p}", roles=["line_holder"] if p == 0 else
                                          ["runner"], vulnerable=child or p == 3, is_child=child,
                                          vulnerability_factors=(["under_18"] if child else []) +
                                          (["missing_episodes"] if child and p == 1 else []), **grading))
                members.append(("person", len(person_rows) - 1, force, person_ref, key))
                link_rows.append((nr, "people", person_ref, "lines", ref))
            if force != reporters[0]:
                continue
            for p in range(PLACES_PER_LINE):
                place_ref = f"A-{n}-{p}"
                place_rows.append(Location(national_return=nr, row_number=len(place_rows) + 2, ref=place_ref,
                                           type=rng.choice(["trap_house", "stash", "cuckooed_address", "deal_site"]),
                                           address=f"{p} Road {n}", **grading))
                members.append(("location", len(place_rows) - 1, force, place_ref, ("location", n, p)))
                link_rows.append((nr, "locations", place_ref, "lines", ref))
            for e in range(EVENTS_PER_LINE):
                event_ref = f"E-{n}-{e}"
                event_rows.append(Event(national_return=nr, row_number=len(event_rows) + 2, ref=event_ref,
                                        date=date(2026, 10, 1) + timedelta(days=rng.randint(0, 30)),
                                        type=rng.choice(["violence", "arrest", "drug_seizure", "missing_episode"]),
                                        postcode=f"LS{n % 20} 1AA", **grading))
                link_rows.append((nr, "events", event_ref, "lines", ref))
    Line.objects.bulk_create(line_rows, batch_size=2_000)
    Person.objects.bulk_create(person_rows, batch_size=2_000)
    Location.objects.bulk_create(place_rows, batch_size=2_000)
    Event.objects.bulk_create(event_rows, batch_size=2_000)
    RecordLink.objects.bulk_create([RecordLink(national_return=nr, from_sheet=a, from_ref=b, to_sheet=c, to_ref=d)
                                    for nr, a, b, c, d in link_rows], batch_size=5_000)
    records = {"line": line_rows, "person": person_rows, "location": place_rows}
    keys = sorted({key for *_rest, key in members}, key=str)
    entities = Entity.objects.bulk_create([Entity(kind=key[0], created_at=now, updated_at=now) for key in keys],
                                          batch_size=2_000)
    if not all(entity.pk for entity in entities):
        entities = list(Entity.objects.order_by("id"))
    entity_of = {key: entity.pk for key, entity in zip(keys, entities, strict=True)}
    EntityMember.objects.bulk_create([
        EntityMember(entity_id=entity_of[key], kind=kind, record_id=records[kind][index].pk,
                     national_return=records[kind][index].national_return, force_id=force, ref=ref, how="alone")
        for kind, index, force, ref, key in members], batch_size=5_000)
    print(f"  built: {len(line_rows):,} line records, {len(person_rows):,} people, {len(place_rows):,} places, "
          f"{len(event_rows):,} events, {len(keys):,} entities", flush=True)


def one_size(lines: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from crossline.organisations.services import organisations_seed_policing
    from crossline.reference.services import refdata_load

    refdata_load()
    organisations_seed_policing()
    build(lines)

    from crossline.accounts.models import User
    from crossline.accounts.roles import Role
    from crossline.assessment.selectors import line_labels, priority_lines
    from crossline.assessment.services import assess_lines
    from crossline.conftest import make_user
    from crossline.organisations.selectors import national_centre

    for run in (1, 2):
        started = time.perf_counter()
        assessment = assess_lines()
        seconds = time.perf_counter() - started
        print(f"  assess run {run}: {assessment.line_count:,} lines, {assessment.network_count:,} networks in "
              f"{seconds:.2f} s ({assessment.line_count / seconds:,.0f} lines/s)", flush=True)
    user = User.objects.filter(username="bench@nclcc").first() or make_user(
        national_centre(), Role.COORDINATOR, username="bench@nclcc")
    started = time.perf_counter()
    page = list(priority_lines(user=user)[:50])
    labels = line_labels(user=user, entity_ids=[row.entity_id for row in page])
    seconds = time.perf_counter() - started
    print(f"  national priority list, first page of {len(page)} with labels: {seconds * 1000:.0f} ms "
          f"({len(labels)} labels)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory: {peak:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, action="append", help="lines to score (repeatable)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one_size(args.lines[0])
        return
    for lines in args.lines or [1_000, 10_000]:
        print(f"{lines:,} lines", flush=True)
        folder = tempfile.mkdtemp(prefix="crossline-assess-bench-")
        env = dict(os.environ, CROSSLINE_VAR_DIR=folder, SQLITE_PATH=str(Path(folder) / "bench.sqlite3"))
        try:
            subprocess.run([sys.executable, __file__, "--child", "--lines", str(lines)], env=env,  # noqa: S603 - ourselves
                           check=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
