"""python -m crossline.synthetic --seed 7 --scale demo --out DIR --form mixed

Writes a synthetic national set of returns with its truth (see crossline.synthetic.generate), or
with --single-return N one large return for ingest benchmarks, and says what it wrote."""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from crossline.synthetic.bulk import write_single_return
from crossline.synthetic.faults import FAULTS
from crossline.synthetic.generate import generate_world, write_returns
from crossline.synthetic.writers import FORMS

SHEETS = ("lines", "people", "locations", "vehicles", "events")


def _scale(text: str) -> str | int:
    if text in ("tiny", "demo"):
        return text
    if text.removeprefix("people=").isdigit():
        return int(text.removeprefix("people="))
    raise argparse.ArgumentTypeError("use tiny, demo, or a number of people records (e.g. 100000 or people=100000)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m crossline.synthetic", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale", type=_scale, default="demo", help="tiny, demo, or N people records (default demo)")
    p.add_argument("--out", type=Path, required=True, help="folder to write into (created if missing)")
    p.add_argument("--form", choices=(*FORMS, "mixed"), default="mixed")
    p.add_argument("--as-of", type=date.fromisoformat, default=None,
                   help="YYYY-MM-DD; the returns cover the full months before it (default today)")
    p.add_argument("--months", type=int, default=None, help="months of returns (default 6; tiny 3)")
    p.add_argument("--fault", action="append", choices=sorted(FAULTS), default=[],
                   help="put this mistake into one return (repeatable), for demonstrating rejection")
    p.add_argument("--single-return", type=int, metavar="N", default=None,
                   help="instead, write one valid return with N lines, N people and N locations")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    started = time.perf_counter()
    if args.single_return is not None:
        form = "xlsx" if args.form == "mixed" else args.form
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"single_return_{args.single_return}.{form}"
        counts = write_single_return(args.single_return, path, form, seed=args.seed, as_of=args.as_of)
        print(f"Wrote {path} ({path.stat().st_size:,} bytes) in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{sheet} {count:,}" for sheet, count in counts.items()))
        return 0
    world = generate_world(seed=args.seed, scale=args.scale, as_of=args.as_of, months=args.months)
    summary = write_returns(world, args.out, form=args.form, faults=args.fault)
    elapsed = time.perf_counter() - started
    periods = f"{world.periods[0].start:%B %Y} to {world.periods[-1].end:%B %Y}"
    print(f"Wrote {len(summary.files)} returns from {len(world.submitting_forces)} forces, {periods}, "
          f"into {args.out} in {elapsed:.1f} s ({len(world.lines)} lines in {len(world.gangs)} gangs).")
    print("Records written, all returns: " + ", ".join(f"{s} {summary.records[s]:,}" for s in SHEETS))
    print(f"truth.csv: {summary.truth_rows:,} force references; manifest.json; truth_lines_crossover.csv")
    if world.not_submitted:
        print("Not submitted: " + ", ".join(f"{force} {world.periods[i].end}" for force, i in world.not_submitted))
    print(f"\n{'force':<10} {'returns':>7} " + " ".join(f"{s:>9}" for s in SHEETS))
    files_by_force: dict[str, int] = {}
    for entry in summary.files:
        files_by_force[entry["force"]] = files_by_force.get(entry["force"], 0) + 1
    for force in world.submitting_forces:
        counts = summary.records_by_force.get(force, {})
        print(f"{force:<10} {files_by_force.get(force, 0):>7} " + " ".join(f"{counts.get(s, 0):>9,}" for s in SHEETS))
    for entry in summary.files:
        for fault in entry["faults"]:
            print(f"Fault {fault['fault']}: {entry['file']} {fault['sheet']} row {fault['row']} {fault['column']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
