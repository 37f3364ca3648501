"""Resolution accuracy on the synthetic national set: what `crossline evaluate` prints, from
scratch. Not a test.

    .venv/bin/python benchmarks/linkage_accuracy.py [--seed 7] [--scale demo]

Writes the set with `python -m crossline.synthetic` into a temporary folder, submits every file
through the submission service into a throwaway SQLite database, resolves everything once
(`crossline resolve --full`) and again (a re-run over unchanged data), and prints pairwise and
cluster precision, recall and F1 per kind against truth.csv. The shipped models were trained on
seed 11; evaluating on another seed keeps the figures honest. Goals on demo scale: people
precision >= 0.995 and recall >= 0.97; lines and locations exact.
"""

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", default="demo")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 26))
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="crossline-accuracy-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["SQLITE_PATH"] = str(folder / "accuracy.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ["RAW_FILE_STORE"] = str(folder / "raw")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from crossline.linkage.synthetic import synthetic_returns_load
    from crossline.organisations.services import organisations_seed_policing
    from crossline.reference.services import refdata_load
    from crossline.synthetic.generate import generate_world, write_returns

    call_command("migrate", verbosity=0)
    refdata_load()
    organisations_seed_policing()
    started = time.perf_counter()
    world = generate_world(seed=args.seed, scale=int(args.scale) if args.scale.isdigit() else args.scale,
                           as_of=args.as_of)
    write_returns(world, folder / "returns")
    submissions = synthetic_returns_load(folder / "returns")
    print(f"Seed {args.seed}, {args.scale}: {len(submissions)} returns submitted in "
          f"{time.perf_counter() - started:.0f} s.")
    for label in ("First full run", "Re-run over unchanged data"):
        started = time.perf_counter()
        call_command("resolve", "--full", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"{label}: {time.perf_counter() - started:.1f} s.")
    call_command("evaluate", "--truth", str(folder / "returns" / "truth.csv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
