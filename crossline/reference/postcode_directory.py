"""Reading the ONS postcode directory: the National Statistics Postcode Lookup (NSPL) or the
ONS Postcode Directory (ONSPD), as the CSV the ONS Open Geography Portal publishes.

The two differ in column names and order, and the ONS renames columns between releases
(NSPL `laua`, ONSPD `oslaua`, newer files `lad25cd`; `pfa` or `pfa23cd`), so columns are found
by name. Rows are read one at a time: the production file is ~2.7 million rows and 1 GB.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from crossline.reference.postcodes import normalise_postcode

# Police force area codes in England (E23) and Wales (W15); Scotland, Northern Ireland, the
# Channel Islands and the Isle of Man have other codes or pseudo-codes and are not loaded.
ENGLAND_AND_WALES_FORCE_PREFIXES = ("E23", "W15")

_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8")
_LOCAL_AUTHORITY_COLUMNS = (re.compile(r"laua|oslaua|lad\d\dcd"),)
_FORCE_COLUMNS = (re.compile(r"pfa|pfa\d\dcd"),)


class PostcodeDirectoryError(ValueError):
    """The file is not a postcode directory, or one of its rows is not usable; names the line."""


@dataclass(frozen=True)
class DirectoryColumns:
    postcode: str
    local_authority: str
    police_force: str
    terminated: str


@dataclass(frozen=True)
class DirectoryRow:
    line: int
    postcode: str  # canonical
    local_authority_code: str
    police_force_code: str
    terminated: bool


def _first(header: list[str], candidates) -> str | None:
    for candidate in candidates:
        for column in header:
            if (column == candidate) if isinstance(candidate, str) else candidate.fullmatch(column):
                return column
    return None


def detect_columns(header: list[str]) -> DirectoryColumns:
    header = [column.strip().lower() for column in header]
    found = {
        "postcode (pcds or pcd)": _first(header, _POSTCODE_COLUMNS),
        "local authority (laua, oslaua or ladNNcd)": _first(header, _LOCAL_AUTHORITY_COLUMNS),
        "police force area (pfa or pfaNNcd)": _first(header, _FORCE_COLUMNS),
        "date of termination (doterm)": _first(header, ("doterm",)),
    }
    missing = [name for name, column in found.items() if column is None]
    if missing:
        raise PostcodeDirectoryError(
            "line 1: this is not an ONS postcode directory (NSPL or ONSPD) file; no column for "
            + ", ".join(missing)
        )
    postcode, local_authority, police_force, terminated = found.values()
    return DirectoryColumns(postcode=postcode, local_authority=local_authority, police_force=police_force,
                            terminated=terminated)


def read_directory(file: TextIO) -> Iterator[DirectoryRow | None]:
    """Each row in England and Wales, in file order; None for a row elsewhere (so that a caller can
    count it). Raises PostcodeDirectoryError for a row that names no valid postcode."""
    reader = csv.reader(file)
    try:
        header = next(reader)
    except StopIteration:
        raise PostcodeDirectoryError("line 1: the file is empty") from None
    columns = detect_columns(header)
    position = {name.strip().lower(): index for index, name in enumerate(header)}
    postcode_at = position[columns.postcode]
    la_at = position[columns.local_authority]
    force_at = position[columns.police_force]
    terminated_at = position[columns.terminated]
    width = max(postcode_at, la_at, force_at, terminated_at) + 1
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) < width:
            raise PostcodeDirectoryError(f"line {line}: has {len(row)} columns; the header has {len(header)}")
        force_code = row[force_at].strip().upper()
        if not force_code.startswith(ENGLAND_AND_WALES_FORCE_PREFIXES):
            yield None
            continue
        postcode = normalise_postcode(row[postcode_at])
        if postcode is None:
            raise PostcodeDirectoryError(f"line {line}: {row[postcode_at]!r} is not a postcode")
        yield DirectoryRow(
            line=line,
            postcode=postcode,
            local_authority_code=row[la_at].strip().upper(),
            police_force_code=force_code,
            terminated=bool(row[terminated_at].strip()),
        )
