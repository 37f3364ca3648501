"""Write a return in any of the format's three forms, from rows of plain Python values.

    write_return({"return": {...}, "lines": [{...}], "people": [], ...}, path, "xlsx")

or, for returns too big to hold, stream them:

    with ReturnWriter(path, "zip", header={...}) as writer:
        writer.add("people", {...})

Row values: str, int, float, `datetime.date`, bool (a Y/N cell), a list (a multi-valued cell),
None (blank) or `Formula("=...")` (a spreadsheet formula, for testing that it is refused). Text
that merely starts with "=" is written as text, never as a formula. Dates go into xlsx as real date
cells, into CSV as ISO or UK text (the rendering says which), into JSON as ISO strings.

Output is byte-for-byte reproducible: zip entries and workbook properties carry `stamp`, not the
time of writing.
"""

import csv
import io
import json
import os
import random
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

from crossline.returns.format import RECORD_SHEETS, SHEETS

FORMS = ("xlsx", "zip", "json")
DEFAULT_STAMP = datetime(2020, 3, 1, 9, 0)


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class Rendering:
    """How the submitting system writes cells."""

    dates: str = "iso"  # CSV only: "iso", "uk", or "mixed" (some columns one way, some the other)
    yes_no: tuple[str, str] = ("Y", "N")
    separator: str = ";"
    bom: bool = False  # CSV written by Excel's "CSV UTF-8" starts with a byte order mark
    omit: frozenset[str] = field(default_factory=frozenset)  # optional columns the system leaves out
    shuffle_columns: bool = False

    def date_text(self, column: str, value: date) -> str:
        uk = self.dates == "uk" or (self.dates == "mixed" and column in ("date_of_birth", "date", "period_end"))
        return value.strftime("%d/%m/%Y") if uk else value.isoformat()


def sheet_columns(sheet: str, rendering: Rendering, *, extra: tuple[str, ...] = (), seed: str = "") -> list[str]:
    """The header of `sheet`: the format's columns, less the ones this system leaves out."""
    spec = SHEETS[sheet].columns
    columns = [name for name, column in spec.items() if not (name in rendering.omit and column.required == "no")]
    if rendering.shuffle_columns:
        random.Random(f"{seed}/{sheet}").shuffle(columns)  # noqa: S311 - column order, not security
    return columns + [name for name in extra if name not in columns]


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp, so the same content gives the same bytes."""

    def __init__(self, file, stamp: datetime):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.stamp = stamp.timetuple()[:6]

    def _info(self, name: str, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.file_size = size
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = self._info(str(arcname or filename), os.path.getsize(filename))
        with open(filename, "rb") as source, self.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


class ReturnWriter:
    """Writes one return, a row at a time, in rows of any sheet in any order."""

    def __init__(self, path: str | Path, form: str, *, header: dict, rendering: Rendering | None = None,
                 columns: dict[str, list[str]] | None = None, sheets: tuple[str, ...] = RECORD_SHEETS,
                 stamp: datetime = DEFAULT_STAMP, seed: str = ""):
        if form not in FORMS:
            raise ValueError(f"form must be one of {FORMS}, not {form!r}")
        self.path, self.form, self.header = Path(path), form, header
        self.rendering = rendering or Rendering()
        self.sheets = tuple(sheets)
        given = columns or {}
        self.columns = {sheet: given.get(sheet) or sheet_columns(sheet, self.rendering, seed=seed)
                        for sheet in self.sheets}
        self.stamp = stamp
        self.counts = dict.fromkeys(self.sheets, 0)
        if form == "xlsx":
            self.workbook = Workbook(write_only=True)
            self.worksheets = {}
            summary = self.workbook.create_sheet("return")
            summary.append(["field", "value"])
            for name, value in header.items():
                summary.append([name, self._xlsx_cell(summary, value)])
            for sheet in self.sheets:
                self.worksheets[sheet] = self.workbook.create_sheet(sheet)
                self.worksheets[sheet].append(self.columns[sheet])
        else:
            self.spools = {sheet: tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
                           for sheet in self.sheets}
            if form == "zip":
                self.csv_writers = {sheet: csv.writer(spool) for sheet, spool in self.spools.items()}
                for sheet in self.sheets:
                    self.csv_writers[sheet].writerow(self.columns[sheet])

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc_info):
        self.close(discard=exc_type is not None)

    # -- cells ----------------------------------------------------------------------------------
    def _xlsx_cell(self, worksheet, value):
        if isinstance(value, Formula):
            return value.text
        if isinstance(value, bool):
            return self.rendering.yes_no[0 if value else 1]
        if isinstance(value, list | tuple):
            return self.rendering.separator.join(str(item) for item in value) or None
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(worksheet, value)
            cell.data_type = "s"  # text that looks like a formula stays text
            return cell
        return value

    def _text_cell(self, column: str, value):
        if value is None:
            return ""
        if isinstance(value, Formula):
            return value.text
        if isinstance(value, bool):
            return self.rendering.yes_no[0 if value else 1]
        if isinstance(value, date):
            return self.rendering.date_text(column, value)
        if isinstance(value, list | tuple):
            return self.rendering.separator.join(str(item) for item in value)
        return value

    def _json_value(self, value):
        if isinstance(value, bool):
            return self.rendering.yes_no[0 if value else 1]
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Formula):
            return value.text
        if isinstance(value, tuple):
            return list(value)
        return value

    # -- rows -----------------------------------------------------------------------------------
    def add(self, sheet: str, row: dict) -> None:
        columns = self.columns[sheet]
        self.counts[sheet] += 1
        if self.form == "xlsx":
            worksheet = self.worksheets[sheet]
            worksheet.append([self._xlsx_cell(worksheet, row.get(column)) for column in columns])
        elif self.form == "zip":
            self.csv_writers[sheet].writerow([self._text_cell(column, row.get(column)) for column in columns])
        else:
            item = {column: self._json_value(row[column]) for column in columns
                    if row.get(column) is not None and row.get(column) != []}
            spool = self.spools[sheet]
            spool.write(("" if self.counts[sheet] == 1 else ",\n") + json.dumps(item, ensure_ascii=False))

    def close(self, *, discard: bool = False) -> None:
        try:
            if discard:
                return
            if self.form == "xlsx":
                self.workbook.properties.created = self.workbook.properties.modified = self.stamp
                self.workbook.properties.creator = "Crossline synthetic data"
                with _StampedZip(self.path, self.stamp) as archive:
                    ExcelWriter(self.workbook, archive).save()
            elif self.form == "zip":
                with _StampedZip(self.path, self.stamp) as archive:
                    archive.writestr("return.csv", self._return_csv())
                    for sheet, spool in self.spools.items():
                        spool.flush()
                        spool.seek(0)
                        info = archive._info(f"{sheet}.csv", os.fstat(spool.fileno()).st_size)
                        with archive.open(info, "w") as target:
                            if self.rendering.bom:
                                target.write("\ufeff".encode())
                            while chunk := spool.read(1 << 20):
                                target.write(chunk.encode("utf-8"))
            else:
                self._write_json()
        finally:
            for spool in getattr(self, "spools", {}).values():
                spool.close()

    def _return_csv(self) -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(["field", "value"])
        for name, value in self.header.items():
            writer.writerow([name, self._text_cell(name, value)])
        return (("\ufeff" if self.rendering.bom else "") + buffer.getvalue()).encode("utf-8")

    def _write_json(self) -> None:
        summary = {name: self._json_value(value) for name, value in self.header.items()}
        with open(self.path, "w", encoding="utf-8") as out:
            out.write('{"return": ' + json.dumps(summary, ensure_ascii=False))
            for sheet, spool in self.spools.items():
                out.write(f',\n"{sheet}": [\n')
                spool.flush()
                spool.seek(0)
                shutil.copyfileobj(spool, out, 1 << 20)
                out.write("\n]")
            out.write("}\n")


def document_columns(sheet: str, rows: list[dict]) -> list[str]:
    """The columns a plain-dict sheet uses, in first-seen order; all the format's if it has no rows."""
    if not rows:
        return list(SHEETS[sheet].columns) if sheet in SHEETS else []
    return list({column: None for row in rows for column in row})


def write_return(document: dict, path: str | Path, form: str, *, rendering: Rendering | None = None,
                 columns: dict[str, list[str]] | None = None, stamp: datetime = DEFAULT_STAMP) -> Path:
    """Write a whole return held as plain dicts: {"return": {field: value}, sheet: [row, ...]}.
    Sheets come out in the document's order; the header row of each is `columns[sheet]` or the
    keys its rows use. Keys that are not format columns are written as given (an unknown column)."""
    header = document.get("return", {})
    sheets = tuple(name for name in document if name != "return")
    chosen = {sheet: (columns or {}).get(sheet) or document_columns(sheet, document[sheet]) for sheet in sheets}
    with ReturnWriter(path, form, header=header, rendering=rendering, columns=chosen, sheets=sheets,
                      stamp=stamp) as writer:
        for sheet in sheets:
            for row in document[sheet]:
                writer.add(sheet, row)
    return Path(path)

