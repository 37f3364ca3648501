"""What a fuzz input stands for, shared by the atheris harness (fuzz_readers.py) and the
test that replays the corpus (tests/test_readers.py). Kept free of atheris so the tests do
not need it."""

import io
import zipfile

FORMS = ("xlsx", "zip", "json")
XLSX_PARTS = ("xl/worksheets/sheet2.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml",
              "[Content_Types].xml")
CSV_SHEETS = ("lines", "people", "return")


def small_return() -> dict:
    from crossline.returns.tests.builders import sample_return

    doc = sample_return()
    return {"return": doc["return"], "lines": doc["lines"], "people": doc["people"][:1], "locations": []}


def _genuine_files() -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The members of a genuine workbook and of a genuine zip of CSVs, to put fuzzed parts into."""
    from crossline.returns.tests.builders import as_xlsx, as_zip

    def members(data: bytes) -> dict[str, bytes]:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return {name: archive.read(name) for name in archive.namelist()}

    small = small_return()
    return members(as_xlsx(small)), members(as_zip(small))


GENUINE_XLSX, GENUINE_ZIP = _genuine_files()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def decode_input(data: bytes) -> tuple[str, bytes]:
    """The file name and content an input stands for (see the module docstring)."""
    if len(data) < 2:
        return "", b""
    mode = data[0] % 5
    if mode < 3:
        return f"fuzz.{FORMS[mode]}", data[1:]
    if mode == 3:
        part = XLSX_PARTS[data[1] % len(XLSX_PARTS)]
        return "fuzz.xlsx", _zip({**GENUINE_XLSX, part: data[2:]})
    sheet = CSV_SHEETS[data[1] % len(CSV_SHEETS)]
    return "fuzz.zip", _zip({**GENUINE_ZIP, f"{sheet}.csv": data[2:]})
