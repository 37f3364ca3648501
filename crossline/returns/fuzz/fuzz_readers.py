"""Fuzz the return readers and validator with atheris (security.md IN-03).

    .venv/bin/python crossline/returns/fuzz/fuzz_readers.py -max_total_time=60 [-rss_limit_mb=2048 -timeout=10]
    .venv/bin/python crossline/returns/fuzz/fuzz_readers.py --make-corpus   # rewrite the seed corpus

Each input starts with one byte saying what the rest is (its value modulo 5):
    0, 1, 2  a whole .xlsx, .zip of CSVs or .json file;
    3        one part of a genuine workbook (the next byte picks which: a worksheet, the shared
             strings, the styles, the workbook or [Content_Types].xml), so that mutations reach
             openpyxl's XML parsing instead of dying on the zip's checksums;
    4        one CSV file (the next byte picks the sheet) inside a genuine zip of CSVs.
Whatever the bytes, the only outcome allowed besides a result is RejectedFile: any other
exception (zlib.error, KeyError, UnicodeDecodeError, ...) is a crash, which libFuzzer reports
and saves as crash-<hash>. Put each crash into corpus/: the test suite replays the corpus.

The committed seed corpus (corpus/) is copied to a scratch directory, which libFuzzer grows;
the seeds themselves never change. Validation needs the reference geography, so a throwaway
SQLite database is made and loaded at start-up (a few seconds).
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SEEDS = Path(__file__).resolve().parent / "corpus"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossline.settings")
os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="crossline-fuzz-"), "fuzz.sqlite3")
os.environ.pop("DATABASE_URL", None)

import atheris  # noqa: E402
import django  # noqa: E402

django.setup()

with atheris.instrument_imports(include=["crossline.returns", "openpyxl", "et_xmlfile", "phonenumbers"]):
    from crossline.returns.fuzz.inputs import (
        CSV_SHEETS,
        GENUINE_XLSX,
        GENUINE_ZIP,
        XLSX_PARTS,
        decode_input,
        small_return,
    )
    from crossline.returns.readers import read_upload
    from crossline.returns.safety import RejectedFile
    from crossline.returns.validate import ValidationResult, validate_return


def test_one_input(data: bytes) -> None:
    filename, content = decode_input(data)
    if not filename:
        return
    try:
        with read_upload(content, filename) as source:
            for sheet in source.sheet_names():  # every sheet, including ones validation would refuse
                source.header(sheet)
                for _row in source.rows(sheet):
                    pass
        with read_upload(content, filename) as source:
            result = validate_return(source)
    except RejectedFile as rejection:
        assert rejection.message  # noqa: S101 - the harness's one claim
        return
    assert isinstance(result, ValidationResult)  # noqa: S101


def make_corpus() -> None:
    from crossline.returns.tests.builders import as_json, as_xlsx, as_zip, sample_return

    SEEDS.mkdir(exist_ok=True)
    doc = sample_return()
    small = small_return()
    seeds = {
        "xlsx_sample": b"\x00" + as_xlsx(small),
        "xlsx_dates": b"\x00" + as_xlsx(small, real_dates=True),
        "xlsx_formula": b"\x00" + as_xlsx({**small, "lines": [{**doc["lines"][0], "line_name": "=A1"}]},
                                          formulas=True),
        "zip_sample": b"\x01" + as_zip(small),
        "zip_bom": b"\x01" + as_zip(small, bom=True),
        "json_sample": b"\x02" + as_json(doc),
        "json_lists": b"\x02" + b'{"return": {"format_version": [1]}, "lines": [{"drugs": [[]], "x": {}}]}',
        **{f"part_{index}_{part.rsplit('/', 1)[-1]}": bytes([3, index]) + GENUINE_XLSX[part]
           for index, part in enumerate(XLSX_PARTS)},
        **{f"csv_{index}_{sheet}": bytes([4, index]) + GENUINE_ZIP[f"{sheet}.csv"]
           for index, sheet in enumerate(CSV_SHEETS)},
    }
    for name, content in seeds.items():
        (SEEDS / name).write_bytes(content)
    print(f"wrote {len(seeds)} seeds to {SEEDS}")


def main() -> None:
    if "--make-corpus" in sys.argv:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        make_corpus()
        return
    from django.core.management import call_command

    from crossline.reference.services import refdata_load

    call_command("migrate", verbosity=0)
    refdata_load()
    flags = [arg for arg in sys.argv[1:] if arg.startswith("-")]
    corpora = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    if not corpora:
        scratch = Path(tempfile.mkdtemp(prefix="crossline-fuzz-corpus-"))
        for seed in SEEDS.iterdir():
            shutil.copy(seed, scratch / seed.name)
        corpora = [str(scratch)]
    atheris.Setup([sys.argv[0], *flags, *corpora], test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
