"""Validate a return against format v1 and normalise it, ready for storage.

    result = validate_upload(data, filename)   # or: with read_upload(...) as source: validate_return(source)
    if result.ok: use(result.validated.records) ...  else: show(result.errors)

    # Storage takes the records as they are made instead, so that memory does not grow with the
    # return: each sheet's records in batches, in order, once their postcodes are placed.
    result = validate_return(source, on_records=lambda header, sheet, records: ...)

Every rule of return-format-v1.md is checked and every error is reported at once (up to
MAX_ISSUES), each located by sheet, row and column with the offending value and a message
that says how to fix it; so is anything the database could not hold (a NUL, half a surrogate
pair, a number too long for its column). A return with any error yields no ValidatedReturn at
all: it is rejected whole, and a caller of `on_records` throws away what it was given. Warnings
never block.

What is kept for the whole return is small and does not grow with it: the refs of each sheet
(for duplicates and cross-references: refs.py, 12 bytes a ref past the newest 32,768, the rest
on disk), the content digest's record hashes (digest.py, on disk past 65,536 a sheet), and the
postcodes of one batch.
Reference lookups (forces, councils, postcode districts) come from crossline.reference.lookups,
which holds the tables in memory; postcodes are located a batch of RECORD_BATCH records at a
time, so a return costs a query per batch however many rows it has (and none past the first
where the postcode directory is not loaded: each district is then worked out once).
"""

import gc
import math
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from django.utils import timezone

from crossline.reference import lookups
from crossline.reference.models import PoliceForce, Postcode
from crossline.returns import format as fmt
from crossline.returns.digest import ContentDigest
from crossline.returns.normalise import NotValid, PncId, age_on, split_multi
from crossline.returns.readers import NO_HEADER, CellError, Formula, ReturnSource, read_upload
from crossline.returns.refs import RefsSeen
from crossline.returns.rules import SheetPlan, closest_name, plan_sheet, return_field_normaliser
from crossline.returns.safety import RejectedFile

MAX_ISSUES = 50_000  # per kind; the totals are still counted
OLDEST_PLAUSIBLE_AGE = 90
RECORD_BATCH = 2_000  # records handed on (and postcodes located) at a time
LOCATED_POSTCODES_KEPT = 5_000  # postcodes remembered across batches, then forgotten
ANSWERS_REMEMBERED = 2_000  # per column: the normalised value of each text seen (see _column_specs)
# The columns whose values repeat down a sheet (lists, flags, dates, areas, names), so that
# each text is normalised once: by kind, and any column with a vocabulary.
_REMEMBERED_KINDS = frozenset({"yesno", "date", "area", "area_multi", "force", "local_authority"})
_NAME_COLUMNS = frozenset({"surname", "forenames"})


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
    # Where each field is in the 'return' sheet, for errors found later ("not your force").
    rows: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


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
    counts: dict[str, int]  # records per sheet
    digest: str
    # Only when validate_return kept them (no on_records): fine for tests and small returns.
    records: dict[str, list[ValidatedRecord]] = field(default_factory=dict)

    def content_digest(self) -> str:
        """SHA-256 of the normalised content (digest.py): equal digests mean the same force,
        period and records, whichever form they came in and in whatever order."""
        return self.digest


@dataclass
class ValidationResult:
    form: str
    errors: list[Issue]
    warnings: list[Issue]
    validated: ValidatedReturn | None  # None whenever there is an error
    rows_read: int = 0
    errors_total: int = 0
    warnings_total: int = 0
    # What the 'return' sheet said the return is for, where that could be read, even when the
    # return is rejected: the attempt is then recorded against that force and period.
    stated_force: PoliceForce | None = None
    stated_period: tuple[date, date] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors_total


def _show_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


OnRecords = Callable[[ReturnHeader, str, list[ValidatedRecord]], None]  # (header, sheet, records)


class _Validation:
    def __init__(self, source: ReturnSource, today: date, on_records: OnRecords | None):
        self.source = source
        self.today = today
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.errors_total = 0
        self.warnings_total = 0
        self.rows_read = 0
        self.header: ReturnHeader | None = None
        self.stated: dict = {}  # the force and period as read from the 'return' sheet, if they could be
        self.limit = today  # no date may be after this: period_end once it is known
        # An .xlsx cell cannot hold a NUL or half a surrogate pair (XML forbids them); CSV and JSON can.
        self.check_text = source.form != "xlsx"
        # Every cell of a CSV file is text, so a row can be checked as one string (see _read_row).
        self.text_rows = source.form == "zip"
        self.refs = RefsSeen(fmt.RECORD_SHEETS)
        self.digest = ContentDigest()
        self.kept: dict[str, list[ValidatedRecord]] = {}
        self.on_records = on_records or self._keep
        # The batch being read: its records, and where its postcodes are used
        # (sheet, row, column, postcode, record or None once the return is rejected).
        self.batch: list[ValidatedRecord] = []
        self.uses: list[tuple[str, int, str, str, ValidatedRecord | None]] = []
        self.located: dict = {}  # postcode -> lookups.PostcodeLocation, for the batches to come
        self.directory_loaded: bool | None = None  # whether the postcode directory has any postcode
        self.districts: dict = {}  # district -> its lookups.PostcodeLocation, when it has none
        self.postcode_warnings: list[tuple] = []
        self.postcode_warnings_total = 0
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
        except RejectedFile as rejection:
            self.error(rejection.sheet, rejection.row, None, None, rejection.message, rejection.code)
        finally:
            self.refs.close()
        # After the other warnings, in sheet and row order, as the batches were read.
        for sheet, row_number, name, postcode, message, code in self.postcode_warnings:
            self.warning(sheet, row_number, name, postcode, message, code)
        self.warnings_total += self.postcode_warnings_total - len(self.postcode_warnings)
        validated = None
        if not self.errors_total and self.header is not None:
            validated = ValidatedReturn(header=self.header, counts=dict(self.digest.counts),
                                        digest=self.digest.hexdigest(self.header), records=self.kept)
        return ValidationResult(form=self.source.form, errors=self.errors, warnings=self.warnings,
                                validated=validated, rows_read=self.rows_read,
                                errors_total=self.errors_total, warnings_total=self.warnings_total,
                                stated_force=self.stated.get("force"), stated_period=self.stated.get("period"))

    def _keep(self, header: ReturnHeader, sheet: str, records: list[ValidatedRecord]) -> None:
        self.kept.setdefault(sheet, []).extend(records)

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
            unstorable = self._unstorable(raw) if self.check_text else None
            if unstorable:
                self.error("return", row.row_number, field_name, None, unstorable, "unstorable_text")
                rows[field_name] = -row.row_number
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
        start, end = values.get("period_start"), values.get("period_end")
        if values.get("force") is not None:
            self.stated["force"] = values["force"]
        if start is not None and end is not None and start <= end:
            self.stated["period"] = (start, end)
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
            self.header = ReturnHeader(**values, rows={name: abs(row) for name, row in rows.items()})

    # --- record sheets --------------------------------------------------------------------------
    def _read_sheet(self, sheet: fmt.Sheet, name: str) -> None:
        header = self.source.header(name)
        plan = plan_sheet(sheet, header, lookups_cache=self.lookups_cache, latest=self.limit, refs=self.refs)
        header_row = None if self.source.form == "json" else 1  # JSON has no header row to point at
        for problem in plan.header_problems:
            self.error(sheet.name, header_row, problem.column, problem.column, problem.message, problem.code)
        read_row, specs = self._read_row, _column_specs(plan)
        read = 0
        try:
            for row in self.source.rows(name):
                read += 1
                read_row(plan, specs, row.row_number, row.cells)
        finally:
            self.rows_read += read
        self._hand_on(sheet.name)

    def _read_row(self, plan: SheetPlan, specs: dict, row_number: int, cells: dict) -> None:
        # The hot loop of a 500,000-row return: local names, C-level set operations, each text
        # of a repetitive column normalised once, and the slow paths (several values, JSON
        # lists, formulas, errors) only when a cell needs them.
        sheet = plan.sheet.name
        values: dict[str, object] = {}
        bad: set[str] = set()
        check_text = self.check_text
        if check_text and self.text_rows:  # nearly every row: one check for all its cells, in C
            joined = "".join(cells.values())
            check_text = "\x00" in joined or not joined.isascii()
        for name, raw in cells.items():
            spec = specs.get(name)
            if spec is None:
                if name == NO_HEADER:
                    self.error(sheet, row_number, None, raw, "This row has a value in a column with no header. "
                               "Give the column a header from the format, or clear the cell.", "no_header")
                continue  # an unknown column: reported once, at the header
            normalise, multi, answers = spec
            if type(raw) is str:
                if answers is not None:
                    value = answers.get(raw)
                    if value is not None:  # this text was read before (and was good)
                        values[name] = value
                        continue
                if check_text and ("\x00" in raw or not raw.isascii()) and self._unstorable(raw):
                    bad.add(name)
                    self.error(sheet, row_number, name, None, self._unstorable(raw), "unstorable_text")
                    continue
                if not (multi and ";" in raw):
                    try:
                        value = normalise(raw)
                    except NotValid as problem:
                        bad.add(name)
                        self.error(sheet, row_number, name, raw, str(problem), problem.code or plan.codes[name])
                        continue
                    if multi:
                        value = (value,)
                    values[name] = value
                    if answers is not None and len(answers) < ANSWERS_REMEMBERED:
                        answers[raw] = value
                    continue
            value = self._unusual_cell(plan, row_number, name, raw, normalise, multi)
            if value is None:
                bad.add(name)
            elif value != ():
                values[name] = value
                if answers is not None and type(raw) is str and len(answers) < ANSWERS_REMEMBERED:
                    answers[raw] = value
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
            earlier = self.refs.add(sheet, ref, row_number)
            if earlier is not None:
                self.error(sheet, row_number, ref_column, ref, f"{ref} is used twice in this sheet (also on "
                           f"{self.source.row_label(earlier)}): each record needs its own reference.",
                           "duplicate_ref")
        for name, _derive in plan.derivations:
            pnc = values.get(name)
            if isinstance(pnc, PncId) and pnc.expected_letter:
                self.warning(sheet, row_number, name, pnc.text, f"The check letter of PNC id {pnc.text} does not "
                             f"match its number (it would be {pnc.expected_letter}). Check the id against PNC.",
                             "pnc_check_letter")
        record = None
        if not self.errors_total:  # once the return is rejected, keeping records is pointless
            record = ValidatedRecord(row_number, ref, cells, values)
            for name, derive in plan.derivations:
                if name in values:
                    values[name] = derive(values[name], record)
            self.batch.append(record)
            self.digest.add(sheet, values)
        for name in plan.postcodes:
            if name in values:
                self.uses.append((sheet, row_number, name, values[name], record))
        if len(self.batch) >= RECORD_BATCH or len(self.uses) >= RECORD_BATCH:
            self._hand_on(sheet)

    def _hand_on(self, sheet: str) -> None:
        """Place the batch's postcodes, then pass its records on, unless the return is rejected."""
        if self.uses:
            self._place_postcodes()
        batch, self.batch = self.batch, []
        if batch and not self.errors_total:
            self.on_records(self.header, sheet, batch)

    @staticmethod
    def _unstorable(raw) -> str | None:
        """Why the database could not hold this text (or an item of this list), or None."""
        for text in raw if isinstance(raw, list) else (raw,):
            if type(text) is float and not math.isfinite(text) and text is not raw:
                return "This list holds a number too large to be a value anyone meant. Check the cell."
            if not isinstance(text, str):
                continue
            if "\x00" in text:
                return "This cell holds a NUL character (code 0), which cannot be stored. Remove it."
            if not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return "This cell holds a broken character (an unpaired surrogate). Type the text again."
        return None

    def _unusual_cell(self, plan: SheetPlan, row_number: int, name: str, raw, normalise, multi: bool):
        """A cell that is not one plain text value: the normalised value, () for nothing, or None
        when it is wrong (reported here, each bad item of a list on its own)."""
        sheet = plan.sheet.name
        unstorable = self._unstorable(raw) if isinstance(raw, list) else None
        if unstorable:
            self.error(sheet, row_number, name, None, unstorable, "unstorable_text")
            return None
        try:
            if type(raw) is float and not math.isfinite(raw):
                raise NotValid("This number is too large to be a value anyone meant. Check the cell.")
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
            # Point at the cell to change: vulnerable when it is not Y, otherwise vulnerability_factors.
            if values.get("vulnerable") is not True:
                column, given = "vulnerable", {False: "N", None: ""}.get(values.get("vulnerable"), "")
            else:
                column, given = "vulnerability_factors", ";".join(factors)
            self.error("people", row_number, column, given, f"This person is {age} on "
                       f"{_show_date(self.limit)} (from {source}): a child is never recorded as only an "
                       "offender. Set vulnerable to Y and include under_18 in vulnerability_factors.",
                       "child_not_vulnerable")
        elif age >= 18 and "under_18" in factors and source == "date_of_birth":
            self.warning("people", row_number, "vulnerability_factors", "under_18", f"under_18 is given, but the "
                         f"date of birth makes this person {age}. Check the date of birth.", "adult_under_18")
        if age > OLDEST_PLAUSIBLE_AGE:
            self.warning("people", row_number, source, age, f"This makes the person {age} years old. Check "
                         f"the {source}.", "implausible_age")

    def _place_postcodes(self) -> None:
        """Place the batch's postcodes (storage keeps where each record is) and warn about those
        whose force area cannot be told: one batched look-up for the postcodes not seen before."""
        located = self.located
        if len(located) > LOCATED_POSTCODES_KEPT:
            located.clear()
        missing = {use[3] for use in self.uses if use[3] not in located}
        if missing:  # normalise_postcode's canonical forms, as the validator made them
            located.update(self._locate(missing))
        unknown, ambiguous = lookups.Confidence.UNKNOWN, lookups.Confidence.AMBIGUOUS
        for sheet, row_number, name, postcode, record in self.uses:
            location = located[postcode]
            if record is not None:
                record.derived[_LOCATION_KEYS.get(name) or f"{name}_location"] = location
            confidence = location.confidence
            if confidence == unknown:
                self._postcode_warning(sheet, row_number, name, postcode, (
                    f"The postcode district {location.district} is not in the reference data for England "
                    "and Wales, so this place cannot be put in a force area. Check the postcode."),
                    "unknown_postcode_district")
            elif confidence == ambiguous:
                forces = ", ".join(sorted({share.police_force.name for share in location.shares}))
                self._postcode_warning(sheet, row_number, name, postcode, (
                    f"The postcode district {location.district} is split between forces ({forces}) and "
                    "this postcode is not in the postcode directory, so its force area is uncertain."),
                    "ambiguous_postcode")
        self.uses.clear()

    def _locate(self, postcodes: set[str]) -> dict:
        """Where each postcode is (lookups.locate_postcodes). A deployment that has not loaded the
        postcode directory places every postcode by its district, as locate_postcodes would after
        finding none in the directory: so ask the directory once a return whether it holds any
        postcode, and if not, work out each district once instead of a query per batch."""
        if self.directory_loaded is None:
            self.directory_loaded = Postcode.objects.exists()
        if self.directory_loaded:
            return lookups.locate_postcodes(postcodes, canonical=True)
        by_district = self.districts
        located = {}
        for postcode in postcodes:
            district = postcode.split(" ")[0]
            place = by_district.get(district)
            if place is None:  # a bare district is placed as a postcode the directory does not have
                place = lookups.locate_postcodes([district])[district]
                if place.district != district:  # not read as a district on its own: ask as it is
                    place = lookups.locate_postcodes([postcode], canonical=True)[postcode]
                if len(by_district) >= LOCATED_POSTCODES_KEPT:  # a real return names a few hundred
                    by_district.clear()
                by_district[district] = place
            located[postcode] = lookups.PostcodeLocation(
                postcode, place.district, place.police_force, place.local_authority, place.confidence,
                place.shares, place.terminated)
        return located

    def _postcode_warning(self, *warning) -> None:
        self.postcode_warnings_total += 1
        if len(self.postcode_warnings) < MAX_ISSUES:
            self.postcode_warnings.append(warning)


_LOCATION_KEYS = {"postcode": "postcode_location"}


def _column_specs(plan: SheetPlan) -> dict[str, tuple]:
    """For each column of the plan: (normaliser, multi-valued?, answers), where answers is a dict
    of the normalised value of each text already read, for the columns whose values repeat
    (None for the others). Good answers only: a bad cell goes through its normaliser every time,
    so that each is reported. The dicts live as long as the sheet is read; at most
    ANSWERS_REMEMBERED texts a column, so memory does not grow with the return."""
    specs = {}
    for name, (normalise, multi) in plan.normalisers.items():
        column = plan.sheet.columns[name]
        remembered = column.refers_to is None and (
            column.vocabulary is not None or column.kind in _REMEMBERED_KINDS or name in _NAME_COLUMNS)
        specs[name] = (normalise, multi, {} if remembered else None)
    return specs


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


def validate_return(source: ReturnSource, *, today: date | None = None,
                    on_records: OnRecords | None = None) -> ValidationResult:
    """Validate every row of `source`; see the module docstring. `today` defaults to the local date.
    With `on_records`, records are handed to it as they are made rather than kept."""
    with _cycle_collector_paused():
        return _Validation(source, today or timezone.localdate(), on_records).run()


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
