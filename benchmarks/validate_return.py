"""Print how fast validate_return runs over a large return held in memory (not a test).

    .venv/bin/python crossline/returns/tests/benchmark_validate.py [rows]

Builds a throwaway SQLite database with the reference geography, then validates a return of
`rows` records (default 500,000) spread over the sheets as real returns are, with distinct
phone numbers, postcodes and dates, and prints rows per second. Reading the file is not
timed: that is openpyxl's or the csv module's speed, not ours.
"""

import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossline.settings")
os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from crossline.reference.postcodes import normalise_postcode  # noqa: E402
from crossline.reference.services import DATA_DIR, refdata_load  # noqa: E402
from crossline.returns.normalise import pnc_check_letter  # noqa: E402
from crossline.returns.readers import MemorySource  # noqa: E402
from crossline.returns.validate import validate_return  # noqa: E402

GRADING = {"source_eval": "R", "intel_assessment": "2", "handling_code": "P"}


def districts() -> list[str]:
    lines = (DATA_DIR / "postcode_district_primary_lad_pfa_ew.csv").read_text(encoding="utf-8-sig").splitlines()
    # Districts retired long ago (W1Y, NPT) are in the ONS file but are no longer valid postcodes.
    return [district for line in lines[1:] if normalise_postcode(f"{(district := line.split(',')[0])} 1AA")]


def build(rows: int) -> dict:
    rng = random.Random(42)
    areas = ["E23000010", "West Yorkshire", "E23000009", "Leeds", "E06000014", "Merseyside"]
    outward = districts()
    n_lines, n_people, n_locations = rows // 10, rows * 4 // 10, rows * 3 // 10
    n_events = rows - n_lines - n_people - n_locations
    start = date(1960, 1, 1)

    def postcode() -> str:
        return f"{rng.choice(outward)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFG')}"

    def day(limit: int = 365) -> str:
        return (date(2026, 10, 31) - timedelta(days=rng.randint(0, limit))).strftime("%d/%m/%Y")

    lines = [{"line_ref": f"L{i}", "line_name": f"LINE{i}", "deal_numbers": f"07700 {900000 + i % 1000:06d}; 07{i:09d}",
              "exporting_area": rng.choice(areas), "importing_areas": f"{rng.choice(areas)}; {rng.choice(areas)}",
              "drugs": "crack_cocaine; heroin", "status": "active", "first_reported": day(), **GRADING}
             for i in range(n_lines)]
    people = []
    for i in range(n_people):
        born = start + timedelta(days=rng.randint(0, 20000))
        adult = (date(2026, 10, 31) - born).days > 18 * 366
        people.append({
            "person_ref": f"P{i}", "surname": f"Surname{i % 5000}", "forenames": "Jay Lee",
            "date_of_birth": born.isoformat(), "gender": "male", "phone_numbers": f"+447{i:09d}",
            "postcode": postcode(), "roles": "runner", "line_refs": f"L{i % n_lines}",
            "pnc_id": f"{i % 100:02d}/{i}{pnc_check_letter(i % 100, i)}",
            "vulnerable": "N" if adult else "Y", "vulnerability_factors": "" if adult else "under_18; missing episodes",
            **GRADING,
        })
    locations = [{"location_ref": f"A{i}", "type": "trap_house", "address": f"{i} Example Street",
                  "postcode": postcode(), "person_refs": f"P{i % n_people}; P{(i * 7) % n_people}", **GRADING}
                 for i in range(n_locations)]
    events = [{"event_ref": f"E{i}", "date": day(30), "type": "drug_seizure", "location_ref": f"A{i % n_locations}",
               "drug": "heroin", "quantity_grams": "12.5", "person_refs": f"P{i % n_people}", **GRADING}
              for i in range(n_events)]
    return {"return": {"format_version": "1", "force": "West Yorkshire Police", "period_start": "01/10/2026",
                       "period_end": "31/10/2026", "submitted_by": "DS A. Analyst", "contact_email": "fib@example.police.uk"},
            "lines": lines, "people": people, "locations": locations, "events": events}


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    call_command("migrate", verbosity=0)
    refdata_load()
    sheets = build(rows)
    source = MemorySource(sheets)
    started, cpu_started = time.perf_counter(), time.process_time()
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats
        profile = cProfile.Profile()
        profile.enable()
    result = validate_return(source, today=date(2026, 11, 26))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # CPU time as well as wall time: on a shared machine the wall clock also counts other work.
    print(f"{result.rows_read:,} rows in {elapsed:.2f} s wall, {cpu:.2f} s CPU: {result.rows_read / elapsed:,.0f} "
          f"rows/s wall, {result.rows_read / cpu:,.0f} rows/s CPU; {result.errors_total} errors, "
          f"{result.warnings_total} warnings")
    for issue in result.errors[:5]:
        print("  ", issue)
    if os.environ.get("PROFILE"):
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
