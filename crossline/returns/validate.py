"""Validate a return against format v1 and normalise it, ready for storage.

    result = validate_upload(data, filename)   # or: with read_upload(...) as source: validate_return(source)
    if result.ok: store(result.validated) ...  else: show(result.errors)

Every rule of return-format-v1.md is checked and every error is reported at once (up to
MAX_ISSUES), each located by sheet, row and column with the offending value and a message
that says how to fix it. A return with any error yields no ValidatedReturn at all: it is
rejected whole. Warnings never block.

Reference lookups (forces, councils, postcode districts) come from crossline.reference.lookups,
which holds the tables in memory; postcodes are located in one batch at the end, so a return
costs a handful of queries however many rows it has.
"""

import gc
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone

from crossline.reference import lookups
from crossline.reference.models import PoliceForce
from crossline.returns import format as fmt
from crossline.returns.normalise import NotValid, age_on, split_multi
from crossline.returns.readers import NO_HEADER, CellError, Formula, ReturnSource, read_upload
from crossline.returns.rules import SheetPlan, closest_name, plan_sheet, return_field_normaliser
from crossline.returns.safety import RejectedFile

MAX_ISSUES = 50_000  # per kind; the totals are still counted
OLDEST_PLAUSIBLE_AGE = 90


@dataclass(frozen=True, slots=True)
class Issue:
    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str
    code: str
    where: str = ""  # "people row 5", or "people item 4" in JSON

    def __str__(self) -> str:
        column = f", {self.column}" if self.column else ""
        return f"{self.where or self.sheet or 'file'}{column}: {self.message}"


@dataclass(frozen=True)
class ReturnHeader:
    format_version: int
    force: PoliceForce
    period_start: date
    period_end: date
    submitted_by: str
    contact_email: str


@dataclass(slots=True)
class ValidatedRecord:
    row_number: int
    ref: str
    raw: dict  # the cells as read, for the audit trail and the error report
    values: dict  # normalised: str, date, bool, Decimal, int, tuples for lists, lookups.Area, ...
    derived: dict = field(default_factory=dict)  # "pnc_key"; "postcode_location" (lookups.PostcodeLocation)


@dataclass
class ValidatedReturn:
    header: ReturnHeader
    records: dict[str, list[ValidatedRecord]]

    def content_digest(self) -> str:
        """SHA-256 of the normalised content, the same whichever form it came in: equal digests
        mean the same force, period and records (the order of rows does not matter)."""
        digest = hashlib.sha256()
        header = self.header
        digest.update(_canonical([header.format_version, header.force.code, header.period_start,
                                  header.period_end]))
        for sheet in fmt.RECORD_SHEETS:
            records = sorted(_canonical(record.values) for record in self.records.get(sheet, ()))
            digest.update(_canonical([sheet, len(records)]))
            for record in records:
                digest.update(record)
        return digest.hexdigest()


def _plain(value):
    if isinstance(value, lookups.Area):
        return value.code
    if isinstance(value, lookups.Council | PoliceForce):
        return getattr(value, "code", None) or value.pk
    if isinstance(value, date | Decimal):
        return str(value)
    return str(value)


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, default=_plain, separators=(",", ":")).encode()


@dataclass
class ValidationResult:
    form: str
    errors: list[Issue]
    warnings: list[Issue]
    validated: ValidatedReturn | None  # None whenever there is an error
    rows_read: int = 0
    errors_total: int = 0
    warnings_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors_total


def _show_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class _Validation:
    def __init__(self, source: ReturnSource, today: date):
        self.source = source
        self.today = today
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.errors_total = 0
        self.warnings_total = 0
        self.rows_read = 0
        self.header: ReturnHeader | None = None
        self.limit = today  # no date may be after this: period_end once it is known
        self.refs: dict[str, dict[str, int]] = {sheet: {} for sheet in fmt.RECORD_SHEETS}
        self.records: dict[str, list[ValidatedRecord]] = {sheet: [] for sheet in fmt.RECORD_SHEETS}
        # postcode -> where it is used: (sheet, row, column, record or None once rejected)
        self.postcodes: dict[str, list[tuple[str, int, str, ValidatedRecord | None]]] = {}
        self.lookups_cache: dict = {}  # (kind, text) -> force, area or council, for the whole return

    # --- reporting ------------------------------------------------------------------------------
    def _where(self, sheet: str | None, row: int | None) -> str:
        if sheet is None:
            return "file"
        if row is None:
            return f"sheet '{sheet}'"
        if sheet == "return" and self.source.form == "json":
            return "return"
        return f"{sheet} {self.source.row_label(row)}"

    def error(self, sheet, row, column, value, message, code) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(Issue(sheet, row, column, value, message, code, self._where(sheet, row)))

    def warning(self, sheet, row, column, value, message, code) -> None:
        self.warnings_total += 1
        if len(self.warnings) < MAX_ISSUES:
            self.warnings.append(Issue(sheet, row, column, value, message, code, self._where(sheet, row)))

    # --- the run ------------------------------------------------------------------------------
    def run(self) -> ValidationResult:
        try:
            present = self._check_sheets()
            if "return" in present:
                self._read_return(present["return"])
            for sheet in fmt.RECORD_SHEETS:
                if sheet in present:
                    self._read_sheet(fmt.SHEETS[sheet], present[sheet])
            self._locate_postcodes()
        except RejectedFile as rejection:
            self.error(rejection.sheet, rejection.row, None, None, rejection.message, rejection.code)
        validated = None
        if not self.errors_total and self.header is not None:
            validated = ValidatedReturn(header=self.header, records=self.records)
        return ValidationResult(form=self.source.form, errors=self.errors, warnings=self.warnings,
                                validated=validated, rows_read=self.rows_read,
                                errors_total=self.errors_total, warnings_total=self.warnings_total)

    def _check_sheets(self) -> dict[str, str]:
        present: dict[str, str] = {}
        for name in self.source.sheet_names():
            if name in fmt.SHEETS:
                present[name] = name
                continue
            if name in fmt.GUIDANCE_SHEETS and self.source.form == "xlsx":
                continue
            suggestion = closest_name(name, fmt.SHEETS)
            hint = f"Rename it '{suggestion}'." if suggestion else (
                "Remove it, or put its contents in one of the sheets: " + ", ".join(fmt.SHEETS) + ".")
            self.error(name, None, None, name, f"The return has a sheet '{name}' that format v1 does not "
                       f"have, so its contents would be lost. {hint}", "unknown_sheet")
        for sheet in fmt.SHEETS.values():
            if sheet.required and sheet.name not in present:
                self.error(sheet.name, None, None, None, f"The return has no '{sheet.name}' sheet. Add it, "
                           "with its header row, even if it has no records.", "missing_sheet")
        return present

    # --- the `return` sheet ---------------------------------------------------------------------
    def _read_return(self, name: str) -> None:
        header = self.source.header(name)
        if header is None or not {"field", "value"} <= set(header):
            self.error("return", 1, None, header, "The 'return' sheet needs two columns headed 'field' and "
                       "'value', with one row per field (format_version, force, period_start, ...).",
                       "missing_column")
            return
        values: dict[str, object] = {}
        rows: dict[str, int] = {}
        for row in self.source.rows(name):
            self.rows_read += 1
            raw_field, raw = row.cells.get("field"), row.cells.get("value")
            extra = set(row.cells) - {"field", "value"}
            if extra:
                self.error("return", row.row_number, None, None, "The 'return' sheet has only two columns, "
                           "'field' and 'value': remove the other cells of this row.", "unknown_column")
            if not isinstance(raw_field, str) or raw_field.strip() not in fmt.RETURN_FIELDS:
                suggestion = closest_name(str(raw_field), fmt.RETURN_FIELDS)
                hint = f"Did you mean '{suggestion}'?" if suggestion else (
                    "The fields are " + ", ".join(fmt.RETURN_FIELDS) + ".")
                self.error("return", row.row_number, "field", raw_field,
                           f"'{raw_field}' is not a field of the 'return' sheet. {hint}", "unknown_field")
                continue
            field_name = raw_field.strip()
            if field_name in rows:
                self.error("return", row.row_number, field_name, raw, f"{field_name} is given twice (also on "
                           f"{self.source.row_label(rows[field_name])}). Keep one.", "duplicate_field")
                continue
            rows[field_name] = row.row_number
            if raw is None:
                continue
            try:
                values[field_name] = return_field_normaliser(field_name, self.lookups_cache)(_single(raw))
            except NotValid as problem:
                self.error("return", row.row_number, field_name, raw, str(problem), f"invalid_{field_name}")
                rows[field_name] = -row.row_number  # given, but wrong
        for field_name in fmt.RETURN_FIELDS:
            if field_name not in values and rows.get(field_name, 0) >= 0:
                self.error("return", rows.get(field_name), field_name, None,
                           f"The 'return' sheet must give {field_name} "
                           f"({fmt.RETURN_FIELDS[field_name].help}).", "missing_field")
        self._check_header(values, rows)

    def _check_header(self, values: dict, rows: dict) -> None:
        version = values.get("format_version")
        if version is not None and version != fmt.FORMAT_VERSION:
            self.error("return", abs(rows["format_version"]), "format_version", version,
                       f"This return says format_version {version}; the platform reads format_version "
                       f"{fmt.FORMAT_VERSION}. Use the version 1 template.", "unsupported_version")
        start, end = values.get("period_start"), values.get("period_end")
        if end is not None:
            if end > self.today:
                self.error("return", abs(rows["period_end"]), "period_end", _show_date(end),
                           f"period_end {_show_date(end)} is in the future: a return covers a period that has "
                           "ended. Give the last day the return covers.", "period_in_future")
                end = None
            elif start is not None and start > end:
                self.error("return", abs(rows["period_start"]), "period_start", _show_date(start),
                           f"period_start {_show_date(start)} is after period_end {_show_date(end)}. "
                           "Check the two dates.", "period_reversed")
        if end is not None:
            self.limit = end
        if set(values) >= set(fmt.RETURN_FIELDS) and not self.errors_total:
            self.header = ReturnHeader(**values)

    # --- record sheets --------------------------------------------------------------------------
    def _read_sheet(self, sheet: fmt.Sheet, name: str) -> None:
        header = self.source.header(name)
        plan = plan_sheet(sheet, header, lookups_cache=self.lookups_cache, latest=self.limit, refs=self.refs)
        header_row = None if self.source.form == "json" else 1  # JSON has no header row to point at
        for problem in plan.header_problems:
            self.error(sheet.name, header_row, problem.column, problem.column, problem.message, problem.code)
        read_row = self._read_row
        for row in self.source.rows(name):
            self.rows_read += 1
            read_row(plan, row.row_number, row.cells)

    def _read_row(self, plan: SheetPlan, row_number: int, cells: dict) -> None:
        # The hot loop of a 500,000-row return: local names, C-level set operations, and the
        # slow paths (several values, JSON lists, formulas, errors) only when a cell needs them.
        sheet = plan.sheet.name
        normalisers = plan.normalisers
        values: dict[str, object] = {}
        bad: set[str] = set()
        for name, raw in cells.items():
            spec = normalisers.get(name)
            if spec is None:
                if name == NO_HEADER:
                    self.error(sheet, row_number, None, raw, "This row has a value in a column with no header. "
                               "Give the column a header from the format, or clear the cell.", "no_header")
                continue  # an unknown column: reported once, at the header
            normalise, multi = spec
            if type(raw) is str and not (multi and ";" in raw):
                try:
                    value = normalise(raw)
                except NotValid as problem:
                    bad.add(name)
                    self.error(sheet, row_number, name, raw, str(problem), problem.code or plan.codes[name])
                    continue
                values[name] = (value,) if multi else value
            else:
                value = self._unusual_cell(plan, row_number, name, raw, normalise, multi)
                if value is None:
                    bad.add(name)
                elif value != ():
                    values[name] = value
        filled = values.keys() | bad if bad else values.keys()
        if not plan.required_set <= filled:
            for name in plan.required:
                if name not in filled:
                    self.error(sheet, row_number, name, None, plan.required_messages[name], "required")
        for group, names in plan.one_of:
            if filled.isdisjoint(names):
                self.error(sheet, row_number, names[0], None, f"Give at least one of {', '.join(names)}.",
                           f"required_{group}")
        for name, when_column, when_value, message in plan.conditional:
            if name not in filled:
                when = values.get(when_column)
                if when == when_value or (type(when) is tuple and when_value in when):
                    self.error(sheet, row_number, name, None, message, "required_if")
        if sheet == "people":
            self._check_person(row_number, values)
        ref_column = plan.sheet.ref_column
        ref = values.get(ref_column)
        if ref is not None:
            seen = self.refs[sheet]
            if ref in seen:
                self.error(sheet, row_number, ref_column, ref, f"{ref} is used twice in this sheet (also on "
                           f"{self.source.row_label(seen[ref])}): each record needs its own reference.",
                           "duplicate_ref")
            else:
                seen[ref] = row_number
        record = None
        if not self.errors_total:  # once the return is rejected, keeping records is pointless
            record = ValidatedRecord(row_number, ref, cells, values)
            for name, derive in plan.derivations:
                if name in values:
                    values[name] = derive(values[name], record)
            self.records[sheet].append(record)
        for name in plan.postcodes:
            if name in values:
                self.postcodes.setdefault(values[name], []).append((sheet, row_number, name, record))

    def _unusual_cell(self, plan: SheetPlan, row_number: int, name: str, raw, normalise, multi: bool):
        """A cell that is not one plain text value: the normalised value, () for nothing, or None
        when it is wrong (reported here, each bad item of a list on its own)."""
        sheet = plan.sheet.name
        try:
            if isinstance(raw, Formula | CellError):
                raise NotValid(_spreadsheet_problem(raw), code="formula" if isinstance(raw, Formula) else None)
            if isinstance(raw, dict):
                raise NotValid("Give a value here, not an object.")
            if not multi:
                return normalise(_single(raw))
            items = split_multi(raw)
        except NotValid as problem:
            self.error(sheet, row_number, name, _shown(raw), str(problem), problem.code or plan.codes[name])
            return None
        normalised, wrong = [], False
        for item in items:
            try:
                normalised.append(normalise(item))
            except NotValid as problem:
                wrong = True
                self.error(sheet, row_number, name, item, str(problem), problem.code or plan.codes[name])
        return None if wrong else tuple(dict.fromkeys(normalised))

    def _check_person(self, row_number: int, values: dict) -> None:
        born = values.get("date_of_birth")
        if born is not None:
            age, source = age_on(born, self.limit), "date_of_birth"
        elif "age_estimate" in values:
            age, source = values["age_estimate"], "age_estimate"
        else:
            return
        factors = values.get("vulnerability_factors", ())
        if age < 18 and (values.get("vulnerable") is not True or "under_18" not in factors):
            self.error("people", row_number, "vulnerable", age, f"This person is {age} on "
                       f"{_show_date(self.limit)} (from {source}): a child is never recorded as only an "
                       "offender. Set vulnerable to Y and include under_18 in vulnerability_factors.",
                       "child_not_vulnerable")
        elif age >= 18 and "under_18" in factors and source == "date_of_birth":
            self.warning("people", row_number, "vulnerability_factors", "under_18", f"under_18 is given, but the "
                         f"date of birth makes this person {age}. Check the date of birth.", "adult_under_18")
        if age > OLDEST_PLAUSIBLE_AGE:
            self.warning("people", row_number, source, age, f"This makes the person {age} years old. Check "
                         f"the {source}.", "implausible_age")

    def _locate_postcodes(self) -> None:
        """Place every postcode (storage keeps where each record is) and warn about those whose
        force area cannot be told: one batched look-up for the whole return."""
        if not self.postcodes:
            return
        located = lookups.locate_postcodes(self.postcodes)
        found: list[tuple] = []
        for postcode, uses in self.postcodes.items():
            location = located[postcode]
            for _sheet, _row, name, record in uses:
                if record is not None:
                    record.derived[f"{name}_location"] = location
            if location.confidence == lookups.Confidence.UNKNOWN:
                message = (f"The postcode district {location.district} is not in the reference data for England "
                           "and Wales, so this place cannot be put in a force area. Check the postcode.")
                found += [(*use[:3], postcode, message, "unknown_postcode_district") for use in uses]
            elif location.confidence == lookups.Confidence.AMBIGUOUS:
                forces = ", ".join(sorted({share.police_force.name for share in location.shares}))
                message = (f"The postcode district {location.district} is split between forces ({forces}) and "
                           "this postcode is not in the postcode directory, so its force area is uncertain.")
                found += [(*use[:3], postcode, message, "ambiguous_postcode") for use in uses]
        order = {sheet: index for index, sheet in enumerate(fmt.SHEETS)}
        for sheet, row_number, name, postcode, message, code in sorted(found, key=lambda w: (order[w[0]], w[1])):
            self.warning(sheet, row_number, name, postcode, message, code)
        self.postcodes.clear()


def _single(raw):
    # A JSON list of one is accepted where one value is expected: ["E23000010"].
    if isinstance(raw, list):
        if len(raw) != 1:
            raise NotValid("Give one value here, not a list.")
        return raw[0]
    return raw


def _shown(raw):
    if isinstance(raw, Formula | CellError):
        return raw.text
    return raw


def _spreadsheet_problem(raw) -> str:
    if isinstance(raw, Formula):
        return (f"This cell holds a formula ({raw.text}). The platform never works out formulas: replace "
                "it with the value itself (copy the cell, then Paste Special > Values).")
    return f"This cell shows the error {raw.text}. Replace it with the value itself."


@contextmanager
def _cycle_collector_paused():
    # Validation makes millions of small objects and no reference cycles, yet each burst of
    # allocations makes the cycle collector walk every record kept so far: at 500,000 rows
    # that doubled the time. Freed memory is still freed at once by reference counting.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_return(source: ReturnSource, *, today: date | None = None) -> ValidationResult:
    """Validate every row of `source`; see the module docstring. `today` defaults to the local date."""
    with _cycle_collector_paused():
        return _Validation(source, today or timezone.localdate()).run()


def validate_upload(data: bytes | BinaryIO, filename: str, *, today: date | None = None) -> ValidationResult:
    """Check, read and validate an uploaded file. A file refused before reading (IN-01/IN-02)
    comes back as a result with that one error, so callers handle a single outcome."""
    try:
        source = read_upload(data, filename)
    except RejectedFile as rejection:
        issue = Issue(rejection.sheet, rejection.row, None, filename, rejection.message, rejection.code, "file")
        return ValidationResult(form="", errors=[issue], warnings=[], validated=None, errors_total=1)
    with source:
        return validate_return(source, today=today)
