"""An accepted return's records as table rows: typed values, provenance and what was submitted.

The validator (validate.py) has already normalised every value; this module only lays the
values out in the columns of models.py, works out what storage adds (name keys, whether a
person is a child on the return's period_end, one row per phone number and cross-reference), and
checks the few things the database itself would refuse, so that such a return gets a located
error instead of failing half-way through storing.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from crossline.returns import format as fmt
from crossline.returns.bulk import Table
from crossline.returns.models import (
    NAME_KEY_MAX,
    Event,
    Line,
    Location,
    Person,
    PhoneNumber,
    RecordLink,
    Vehicle,
)
from crossline.returns.normalise import age_on, name_key
from crossline.returns.validate import Issue, ValidatedRecord, ValidatedReturn

GRADED = ("national_return", "row_number", "ref", "source_eval", "intel_assessment", "handling_code",
          "handling_conditions", "submitted")
PLACED = ("postcode", "postcode_district", "postcode_force", "postcode_local_authority", "location_confidence")

TABLES = {
    "lines": Table(Line, GRADED + (
        "line_name", "deal_numbers", "exporting_area_code", "exporting_area_kind", "exporting_force",
        "importing_area_codes", "importing_force_codes", "drugs", "status", "closure_type", "first_reported",
        "last_reported", "violence", "weapons", "notes")),
    "people": Table(Person, GRADED + PLACED + (
        "surname", "forenames", "aliases", "surname_key", "forenames_key", "alias_keys", "date_of_birth",
        "age_estimate", "gender", "pnc_id", "pnc_key", "phone_numbers", "address", "roles", "vulnerable",
        "vulnerability_factors", "looked_after_by_code", "nrm_status", "safeguarding_actions", "notes",
        "is_child")),
    "locations": Table(Location, GRADED + PLACED + (
        "type", "address", "uprn", "first_reported", "last_reported", "notes")),
    "vehicles": Table(Vehicle, GRADED + ("vrm", "make", "model", "colour")),
    "events": Table(Event, GRADED + PLACED + (
        "date", "type", "location_ref", "drug", "quantity_grams", "cash_gbp", "weapon", "description")),
}
PHONE_TABLE = Table(PhoneNumber, ("national_return", "sheet", "ref", "e164"))
LINK_TABLE = Table(RecordLink, ("national_return", "from_sheet", "from_ref", "to_sheet", "to_ref"))
PHONE_COLUMNS = {"lines": "deal_numbers", "people": "phone_numbers"}
# Numbers must fit their columns exactly: (largest number of whole digits, decimal places).
NUMBER_LIMITS = {("events", "quantity_grams"): (15, 4), ("events", "cash_gbp"): (15, 2)}


# --- what was submitted ---------------------------------------------------------------------
_PLAIN = frozenset({str, int, bool})


def submitted(raw: dict) -> dict:
    """The cells as given, in JSON: a spreadsheet date cell becomes its ISO date."""
    for value in raw.values():
        if type(value) not in _PLAIN:
            return {column: _as_json(value) for column, value in raw.items()}
    return raw  # the common case (every CSV cell is text): nothing to convert


def _as_json(value):
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, timedelta | Decimal):
        return str(value)
    return str(getattr(value, "text", value))


# --- rows -------------------------------------------------------------------------------------
def _graded(return_id: int, record: ValidatedRecord) -> tuple:
    values = record.values
    return (return_id, record.row_number, record.ref, values["source_eval"], values["intel_assessment"],
            values["handling_code"], values.get("handling_conditions", ""), submitted(record.raw))


def _placed(record: ValidatedRecord) -> tuple:
    postcode = record.values.get("postcode")
    if postcode is None:
        return ("", "", None, None, "")
    location = record.derived.get("postcode_location")
    if location is None:  # not located: still searchable by its district
        return (postcode, postcode.split(" ")[0], None, None, "")
    force, authority = location.police_force, location.local_authority
    return (postcode, location.district or postcode.split(" ")[0], force.pk if force else None,
            authority.pk if authority else None, str(location.confidence))


def _list(values: dict, column: str) -> list:
    return list(values.get(column, ()))


def _line(return_id: int, record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    exporting = values["exporting_area"]
    importing = values.get("importing_areas", ())
    return _graded(return_id, record) + (
        values.get("line_name", ""), _list(values, "deal_numbers"), exporting.code, exporting.kind,
        exporting.police_force.pk, [area.code for area in importing],
        list(dict.fromkeys(area.police_force.pk for area in importing)), _list(values, "drugs"), values["status"],
        values.get("closure_type", ""), values.get("first_reported"), values.get("last_reported"),
        values.get("violence"), _list(values, "weapons"), values.get("notes", ""),
    )


def is_child(values: dict, period_end: date) -> bool:
    born = values.get("date_of_birth")
    if born is not None:
        return age_on(born, period_end) < 18
    estimate = values.get("age_estimate")
    return estimate is not None and estimate < 18


def _key(name: str) -> str:
    return name_key(name)[:NAME_KEY_MAX] if name else ""


def _person(return_id: int, record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    surname, forenames = values.get("surname", ""), values.get("forenames", "")
    aliases = _list(values, "aliases")
    looked_after_by = values.get("looked_after_by")
    return _graded(return_id, record) + _placed(record) + (
        surname, forenames, aliases, _key(surname), _key(forenames), [_key(alias) for alias in aliases],
        values.get("date_of_birth"), values.get("age_estimate"), values.get("gender", ""),
        values.get("pnc_id", ""), record.derived.get("pnc_key", ""), _list(values, "phone_numbers"),
        values.get("address", ""), _list(values, "roles"), values["vulnerable"],
        _list(values, "vulnerability_factors"), looked_after_by.code if looked_after_by is not None else "",
        values.get("nrm_status", ""), values.get("safeguarding_actions", ""), values.get("notes", ""),
        is_child(values, period_end),
    )


def _location(return_id: int, record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    return _graded(return_id, record) + _placed(record) + (
        values["type"], values.get("address", ""), values.get("uprn", ""), values.get("first_reported"),
        values.get("last_reported"), values.get("notes", ""),
    )


def _vehicle(return_id: int, record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    return _graded(return_id, record) + (
        values["vrm"], values.get("make", ""), values.get("model", ""), values.get("colour", ""))


def _event(return_id: int, record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    return _graded(return_id, record) + _placed(record) + (
        values["date"], values["type"], values.get("location_ref", ""), values.get("drug", ""),
        values.get("quantity_grams"), values.get("cash_gbp"), values.get("weapon", ""),
        values.get("description", ""),
    )


ROW_BUILDERS = {"lines": _line, "people": _person, "locations": _location, "vehicles": _vehicle, "events": _event}


def record_rows(sheet: str, records: list[ValidatedRecord], *, return_id: int, period_end: date) -> Iterator[tuple]:
    build = ROW_BUILDERS[sheet]
    for record in records:
        yield build(return_id, record, period_end)


def phone_rows(validated: ValidatedReturn, *, return_id: int) -> Iterator[tuple]:
    for sheet, column in PHONE_COLUMNS.items():
        for record in validated.records.get(sheet, ()):
            for number in record.values.get(column, ()):
                yield (return_id, sheet, record.ref, number)


def link_rows(validated: ValidatedReturn, *, return_id: int) -> Iterator[tuple]:
    for sheet in fmt.RECORD_SHEETS:
        references = [(name, column.refers_to) for name, column in fmt.SHEETS[sheet].columns.items()
                      if column.refers_to]
        for record in validated.records.get(sheet, ()):
            for column, target in references:
                given = record.values.get(column)
                if given is None:
                    continue
                for ref in (given if isinstance(given, tuple) else (given,)):
                    yield (return_id, sheet, record.ref, target, ref)


# --- what the database would refuse -----------------------------------------------------------
def storage_problems(validated: ValidatedReturn, *, form: str) -> list[Issue]:
    """Values the validator passes that no column can hold exactly; each a located error."""
    problems: list[Issue] = []
    # An .xlsx cell cannot hold either character (XML forbids them); CSV and JSON text can.
    check_text = form != "xlsx"
    for sheet, records in validated.records.items():
        limits = {column: limit for (limit_sheet, column), limit in NUMBER_LIMITS.items() if limit_sheet == sheet}
        for record in records:
            if check_text:
                for column, raw in record.raw.items():
                    message = _unstorable_text(raw)
                    if message:
                        problems.append(Issue(sheet, record.row_number, column, None, message, "unstorable_text",
                                              _where(sheet, record.row_number, form)))
            for column, (whole_digits, places) in limits.items():
                number = record.values.get(column)
                if number is not None and not _fits(number, whole_digits, places):
                    problems.append(Issue(sheet, record.row_number, column, str(number),
                                          f"Give {column} as a number below 10^{whole_digits} with at most "
                                          f"{places} decimal places.", "number_out_of_range",
                                          _where(sheet, record.row_number, form)))
    return problems


def _where(sheet: str, row_number: int, form: str) -> str:
    return f"{sheet} item {row_number - 1}" if form == "json" else f"{sheet} row {row_number}"


def _unstorable_text(value) -> str | None:
    if type(value) is str and value.isascii() and "\x00" not in value:
        return None  # nearly every cell
    texts = value if isinstance(value, list) else (value,)
    for text in texts:
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


def _fits(number: Decimal, whole_digits: int, places: int) -> bool:
    if not number.is_finite():
        return False
    exponent = number.as_tuple().exponent
    return number.adjusted() < whole_digits and (not isinstance(exponent, int) or -exponent <= places)
