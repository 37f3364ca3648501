"""A return's records as table rows: typed values, provenance and what was submitted.

    spill = Spill()
    validate_return(source, on_records=lambda header, sheet, records:
                    records_spill(spill, header=header, sheet=sheet, records=records))
    write_rows(TABLES["people"], spill.rows(TABLES["people"]), first=(national_return.pk,))

The validator (validate.py) has already normalised every value and refused anything the
database could not hold; this module only lays the values out in the columns of models.py and
works out what storage adds (name keys, whether a person is a child on the return's period_end,
one row per phone number and cross-reference). Rows leave out the first column, the return's
id, which is not known until the return is stored: the writer puts it in front (`first`).
"""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from crossline.returns import format as fmt
from crossline.returns.bulk import Spill, Table
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
from crossline.returns.validate import ReturnHeader, ValidatedRecord

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
# Each sheet's cross-reference columns and the sheet they point into.
REFERENCES = {sheet: tuple((name, column.refers_to) for name, column in fmt.SHEETS[sheet].columns.items()
                           if column.refers_to) for sheet in fmt.RECORD_SHEETS}


# --- values as the database takes them --------------------------------------------------------
# Rows hold only text, numbers, booleans and None: JSON columns as JSON text, dates as ISO text,
# decimals as their digits. The bulk writer then sends them as they are, and a batch of them
# pickles and unpickles in a fraction of the time that dates and dicts take.
def _not_json(value):
    raise TypeError(f"{type(value).__name__} is not JSON")


# JSONEncoder.encode makes a new C encoder on every call; a return makes several calls a row, so
# make it once (the same options) where the C accelerator is there. No NaN or infinity: the
# validator refuses them, and the database would refuse the JSON.
_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_c_encode = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, False)


def _encode(value) -> str:
    if _c_encode is None:
        return _encoder.encode(value)
    return "".join(_c_encode(value, 0))


# The vocabulary lists (drugs, roles, weapons, vulnerability factors): the same few combinations
# come on most rows, so each is encoded once. Only these: phone numbers and aliases are personal
# data, which a process keeps no longer than the return that brought them.
_LISTS_REMEMBERED = 10_000
_VOCABULARY_LISTS = frozenset(name for sheet in fmt.SHEETS.values() for name, column in sheet.columns.items()
                              if column.multi and column.vocabulary is not None)
_lists: dict[tuple, str] = {}


def _encode_list(given: tuple) -> str:
    """A vocabulary column's tuple as JSON text, remembered (up to _LISTS_REMEMBERED of them, so
    that memory does not grow with the return)."""
    text = _lists.get(given)
    if text is None:
        text = _encode(given)
        if len(_lists) < _LISTS_REMEMBERED:
            _lists[given] = text
    return text


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _json_list(values: dict, column: str) -> str:
    given = values.get(column)
    if not given:
        return "[]"
    return _encode_list(given) if column in _VOCABULARY_LISTS and type(given) is tuple else _encode(given)


def submitted(raw: dict) -> str:
    """The cells as given, as JSON text: a spreadsheet date cell becomes its ISO date."""
    if _c_encode_submitted is None:
        return _encoder.encode({column: _as_json(value) for column, value in raw.items()})
    # One pass in C: the encoder asks _as_json only about a value JSON has no form for (a date...).
    return "".join(_c_encode_submitted(raw, 0))


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


# The encoder of `submitted`: as _c_encode, but what JSON cannot hold goes through _as_json.
_c_encode_submitted = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    None, _as_json, json.encoder.encode_basestring, None, ":", ",", False, False, False)


# --- rows -------------------------------------------------------------------------------------
def _graded(record: ValidatedRecord) -> tuple:
    values = record.values
    return (record.row_number, record.ref, values["source_eval"], values["intel_assessment"],
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


def _line(record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    exporting = values["exporting_area"]
    importing = values.get("importing_areas", ())
    return _graded(record) + (
        values.get("line_name", ""), _json_list(values, "deal_numbers"), exporting.code, exporting.kind,
        exporting.police_force.pk, _encode([area.code for area in importing]),
        _encode(list(dict.fromkeys(area.police_force.pk for area in importing))), _json_list(values, "drugs"),
        values["status"], values.get("closure_type", ""), _iso(values.get("first_reported")),
        _iso(values.get("last_reported")), values.get("violence"), _json_list(values, "weapons"),
        values.get("notes", ""),
    )


def is_child(values: dict, period_end: date) -> bool:
    born = values.get("date_of_birth")
    if born is not None:
        return age_on(born, period_end) < 18
    estimate = values.get("age_estimate")
    return estimate is not None and estimate < 18


def _key(name: str) -> str:
    return name_key(name)[:NAME_KEY_MAX] if name else ""


def _person(record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    surname, forenames = values.get("surname", ""), values.get("forenames", "")
    aliases = values.get("aliases", ())
    looked_after_by = values.get("looked_after_by")
    return _graded(record) + _placed(record) + (
        surname, forenames, _json_list(values, "aliases"), _key(surname), _key(forenames),
        _encode([_key(alias) for alias in aliases]), _iso(values.get("date_of_birth")), values.get("age_estimate"),
        values.get("gender", ""), values.get("pnc_id", ""), record.derived.get("pnc_key", ""),
        _json_list(values, "phone_numbers"), values.get("address", ""), _json_list(values, "roles"),
        values["vulnerable"], _json_list(values, "vulnerability_factors"),
        looked_after_by.code if looked_after_by is not None else "", values.get("nrm_status", ""),
        values.get("safeguarding_actions", ""), values.get("notes", ""), is_child(values, period_end),
    )


def _location(record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    return _graded(record) + _placed(record) + (
        values["type"], values.get("address", ""), values.get("uprn", ""), _iso(values.get("first_reported")),
        _iso(values.get("last_reported")), values.get("notes", ""),
    )


def _vehicle(record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    return _graded(record) + (
        values["vrm"], values.get("make", ""), values.get("model", ""), values.get("colour", ""))


def _event(record: ValidatedRecord, period_end: date) -> tuple:
    values = record.values
    return _graded(record) + _placed(record) + (
        _iso(values["date"]), values["type"], values.get("location_ref", ""), values.get("drug", ""),
        _number(values.get("quantity_grams")), _number(values.get("cash_gbp")), values.get("weapon", ""),
        values.get("description", ""),
    )


ROW_BUILDERS = {"lines": _line, "people": _person, "locations": _location, "vehicles": _vehicle, "events": _event}


def records_spill(spill: Spill, *, header: ReturnHeader, sheet: str, records: list[ValidatedRecord]) -> None:
    """Lay out a batch of one sheet's records as rows of its table, of PhoneNumber and of
    RecordLink, and keep them in `spill` until the return is stored."""
    build, period_end = ROW_BUILDERS[sheet], header.period_end
    spill.add(TABLES[sheet], [build(record, period_end) for record in records])
    column = PHONE_COLUMNS.get(sheet)
    if column:
        phones = [(sheet, record.ref, number) for record in records for number in record.values.get(column, ())]
        if phones:
            spill.add(PHONE_TABLE, phones)
    links = []
    for record in records:
        values = record.values
        for name, target in REFERENCES[sheet]:
            given = values.get(name)
            if given is not None:
                links += [(sheet, record.ref, target, ref) for ref in (given if type(given) is tuple else (given,))]
    if links:
        spill.add(LINK_TABLE, links)
