"""What a resolution run reads: the records of current returns, grouped into identities.

An *identity* is one force's reference for one line, person, place or vehicle: a force keeps
its reference from one monthly return to the next, so every record with the same (force, ref)
is the same thing by the force's own word. Identities are what get linked; records follow
their identity into its entity. Decisions are kept against identities too, so they survive
the next month's return and any resubmission.

Everything here is read with plain `values_list` queries: a full run reads every current
record, up to millions of rows, and model instances would cost more than the linkage itself.
"""

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db import connection, models

from crossline.returns.models import Line, Location, NationalReturn, Person, RecordLink, Vehicle

KINDS = ("line", "person", "location", "vehicle")
SHEETS = {"line": "lines", "person": "people", "location": "locations", "vehicle": "vehicles"}
KIND_OF_SHEET = {sheet: kind for kind, sheet in SHEETS.items()}
RECORD_MODELS = {"line": Line, "person": Person, "location": Location, "vehicle": Vehicle}
# The columns each kind's linkage uses, after the provenance columns every record has.
PROVENANCE = ("pk", "national_return_id", "national_return__force_id", "ref", "national_return__period_start",
              "national_return__period_end")
COLUMNS = {
    "line": ("line_name", "deal_numbers"),
    "person": ("forenames_key", "surname_key", "alias_keys", "date_of_birth", "age_estimate", "gender", "pnc_key",
               "phone_numbers", "address", "postcode", "postcode_district"),
    "location": ("type", "address", "postcode", "postcode_district", "uprn"),
    "vehicle": ("vrm",),
}
Key = tuple[str, str]  # (force code, ref)


class Record(NamedTuple):  # a tuple: a full run makes millions of them
    pk: int
    return_id: int
    identity: int
    period_start: date
    period_end: date
    values: tuple  # COLUMNS[kind], in order


@dataclass
class Snapshot:
    """One kind's identities and records, as a run sees them."""

    kind: str
    keys: list[Key] = field(default_factory=list)  # identity number -> (force, ref)
    index: dict[Key, int] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    # People only: the line identities (force, ref) each person identity's records name.
    lines: dict[int, set[Key]] = field(default_factory=dict)

    def identity(self, key: Key) -> int:
        number = self.index.get(key)
        if number is None:
            number = self.index[key] = len(self.keys)
            self.keys.append(key)
        return number

    def records_by_identity(self) -> dict[int, list[Record]]:
        grouped: dict[int, list[Record]] = defaultdict(list)
        for record in self.records:
            grouped[record.identity].append(record)
        return grouped

    def force(self, identity: int) -> str:
        return self.keys[identity][0]


def _converters(kind: str) -> list:
    """How each selected column comes back from the database as its Python value: the ORM's
    converters cost more than the linkage at a million rows, so the few needed are applied here."""
    model = RECORD_MODELS[kind]
    converters = []
    for name in _SELECTED[kind]:
        field = model._meta.get_field(name) if name != "pk" else None
        if isinstance(field, models.DateField):
            converters.append(_date)
        elif isinstance(field, models.JSONField):
            converters.append(_json)
        else:
            converters.append(None)
    return converters


# What is read per record: its own columns. Its return's force and period are the same for
# thousands of records, so they come from one small query of the returns (`_Returns`), not a
# join column and two dates decoded per record.
_SELECTED = {kind: ("pk", "national_return_id", "ref", *columns) for kind, columns in COLUMNS.items()}


def _date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _json(value):
    if isinstance(value, str):
        if value == "[]":
            return []
        # Lists of plain strings (phone numbers, keys) as Django writes them: split, not parse.
        if value.startswith('["') and value.endswith('"]') and "\\" not in value:
            parts = value[2:-2].split('", "')
            if not any('"' in part for part in parts):
                return parts
        return json.loads(value)
    return value if value is not None else []


class _Returns(dict):
    """Return id -> (force, period start, period end), read again if a return accepted since
    the last read turns up."""

    def __init__(self):
        super().__init__()
        self._read()

    def _read(self) -> None:
        self.update((pk, (force, start, end)) for pk, force, start, end in NationalReturn.objects.order_by()
                    .values_list("pk", "force_id", "period_start", "period_end"))

    def __missing__(self, pk: int) -> tuple:
        self._read()
        return super().__getitem__(pk)


def _rows(queryset, kind: str) -> Iterator[tuple]:
    """The queryset's rows through a plain cursor (the ORM writes the SQL, every value a
    parameter), laid out as PROVENANCE then COLUMNS[kind]."""
    converters = _converters(kind)
    positions = [(position, convert) for position, convert in enumerate(converters) if convert is not None]
    sql, params = queryset.order_by().values_list(*_SELECTED[kind]).query.sql_with_params()
    returns = _Returns()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(20_000):
            columns = list(zip(*batch, strict=True))
            for position, convert in positions:
                columns[position] = [convert(value) for value in columns[position]]
            pks, return_ids, refs, *values = columns
            of_return = [returns[return_id] for return_id in return_ids]
            yield from zip(pks, return_ids, [force for force, _start, _end in of_return], refs,
                           [start for _force, start, _end in of_return], [end for _force, _start, end in of_return],
                           *values, strict=True)


def current_records(kind: str, *, returns: Iterable[int] | None = None, keys: Iterable[Key] | None = None):
    """Rows of current returns' records: all of them, those of some returns, or some identities'."""
    queryset = RECORD_MODELS[kind].objects.filter(national_return__is_current=True)
    if returns is not None:
        queryset = queryset.filter(national_return_id__in=list(returns))
    if keys is not None:
        by_force: dict[str, list[str]] = defaultdict(list)
        for force, ref in keys:
            by_force[force].append(ref)
        rows = []
        for force, refs in by_force.items():
            for start in range(0, len(refs), 500):
                rows.extend(_rows(queryset.filter(national_return__force_id=force, ref__in=refs[start:start + 500]),
                                  kind))
        return rows
    return _rows(queryset, kind)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live container as millions of small tuples are
    made, which costs more than making them; none of these form cycles, so pause it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def snapshot_load(kind: str, *, rows=None) -> Snapshot:
    """Every current record of `kind` (or the `rows` given), grouped into identities."""
    snapshot = Snapshot(kind)
    keys, index, add = snapshot.keys, snapshot.index, snapshot.records.append
    with collection_paused():
        for row in current_records(kind) if rows is None else rows:
            key = (row[2], row[3])
            number = index.get(key)
            if number is None:
                number = index[key] = len(keys)
                keys.append(key)
            add(Record(row[0], row[1], number, row[4], row[5], tuple(row[6:])))
    return snapshot


def person_lines(snapshot: Snapshot, *, returns: Iterable[int] | None = None) -> None:
    """Fill `snapshot.lines`: which of its force's lines each person identity is on."""
    links = RecordLink.objects.filter(national_return__is_current=True, from_sheet="people", to_sheet="lines")
    if returns is not None:
        links = links.filter(national_return_id__in=list(returns))
    index = snapshot.index
    for force, person_ref, line_ref in links.order_by().values_list(
            "national_return__force_id", "from_ref", "to_ref").iterator(chunk_size=20_000):
        identity = index.get((force, person_ref))
        if identity is not None:
            snapshot.lines.setdefault(identity, set()).add((force, line_ref))
