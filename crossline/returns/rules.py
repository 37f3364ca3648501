"""The per-sheet plan the validator follows: which normaliser each column uses, which columns a
row must fill, and what the header row got wrong. Worked out once per sheet from format.py, so
that the per-row loop in validate.py does no lookups in format.py and compiles nothing.
"""

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from crossline.reference import lookups
from crossline.returns import format as fmt
from crossline.returns import normalise as n

_AREA_ADVICE = ("Give a police force or a local authority, by ONS code (E23000010, E08000035) or by name "
                "(West Yorkshire, Leeds).")
_FORCE_ADVICE = "Give the force's ONS code (e.g. E23000010), BTP, or its name (West Yorkshire Police)."
_COUNCIL_ADVICE = "Give the local authority's GSS code (e.g. E08000035) or its name (Leeds City Council)."

# Error codes by column kind, for the error report and for tests.
_CODES = {
    "date": "invalid_date", "yesno": "invalid_yesno", "vocab": "not_in_list", "vocab_multi": "not_in_list",
    "phone_multi": "invalid_phone", "postcode": "invalid_postcode", "area": "unknown_area",
    "area_multi": "unknown_area", "int": "invalid_number", "number": "invalid_number", "pnc": "invalid_pnc",
    "uprn": "invalid_uprn", "vrm": "invalid_vrm", "email": "invalid_email", "ref": "invalid_ref",
    "refs": "invalid_ref", "local_authority": "unknown_local_authority", "force": "unknown_force",
}
_NAME_COLUMNS = frozenset({"surname", "forenames", "aliases"})
# Numbers must fit their columns (models.py) exactly: (most whole digits, decimal places).
NUMBER_LIMITS = {("events", "quantity_grams"): (15, 4), ("events", "cash_gbp"): (15, 2)}
_NUMBER_LIMIT = (15, 2)  # for a number column not listed: the narrower, so nothing is lost
_GRADING_MESSAGE = ("Every record needs its intelligence grading: source_eval (R, U or X), intel_assessment "
                    "(1 to 5) and handling_code (P or C).")


@dataclass(frozen=True)
class HeaderProblem:
    column: str | None
    message: str
    code: str


@dataclass
class SheetPlan:
    sheet: fmt.Sheet
    normalisers: dict[str, tuple[Callable, bool]]  # column -> (normaliser, multi-valued?)
    codes: dict[str, str]
    required: tuple[str, ...] = ()
    required_set: frozenset[str] = frozenset()
    required_messages: dict[str, str] = field(default_factory=dict)
    one_of: tuple[tuple[str, tuple[str, ...]], ...] = ()
    conditional: tuple[tuple[str, str, object, str], ...] = ()  # column, when column, when value, message
    postcodes: tuple[str, ...] = ()
    derivations: tuple[tuple[str, Callable], ...] = ()
    header_problems: list[HeaderProblem] = field(default_factory=list)


def closest_name(name: str, options: Iterable[str]) -> str | None:
    """The name the submitter probably meant ("Line Ref" -> "line_ref"), or None."""
    options = list(options)
    tidy = "_".join(str(name).strip().lower().replace("-", " ").split())
    if tidy in options:
        return tidy
    matches = difflib.get_close_matches(tidy, options, n=1, cutoff=0.8)
    return matches[0] if matches else None


_ANSWERS_REMEMBERED = 10_000  # a real return names a few hundred areas; a hostile one, any number


class _Resolver:
    """Find forces, areas and councils, remembering each answer for the rest of the return (up
    to _ANSWERS_REMEMBERED of them, so that memory does not grow with the return)."""

    def __init__(self, cache: dict):
        self.cache = cache

    def _find(self, kind: str, finder: Callable, advice: str, value: object):
        text = n.normalise_text(value)
        key = (kind, text)
        found = self.cache.get(key)
        if found is None:
            found = finder(text) or False
            if len(self.cache) < _ANSWERS_REMEMBERED:
                self.cache[key] = found
        if found is False:
            raise n.NotValid(f"'{text}' is not a {kind} we know. {advice}")
        return found

    def area(self, value: object) -> lookups.Area:
        return self._find("police force or local authority", lookups.find_area, _AREA_ADVICE, value)

    def council(self, value: object) -> lookups.Council:
        # Looked-after children are the responsibility of the county or unitary council, so a
        # county council ("Kent County Council") is accepted as well as a district's code or name.
        return self._find("local authority", lookups.find_council, _COUNCIL_ADVICE, value)

    def force(self, value: object):
        return self._find("police force", lookups.find_force, _FORCE_ADVICE, value)


def _normaliser(column: fmt.Column, resolver: _Resolver) -> Callable:
    kind = column.kind
    if column.name in _NAME_COLUMNS:
        return n.normalise_name
    if column.vocabulary is not None:
        return n.vocabulary(column.vocabulary)
    return {
        "text": n.normalise_text, "multi_text": n.normalise_text, "ref": n.normalise_ref, "refs": n.normalise_ref,
        "date": n.normalise_date, "yesno": n.normalise_yesno, "phone_multi": n.normalise_phone,
        "postcode": n.normalise_postcode, "area": resolver.area, "area_multi": resolver.area,
        "int": n.normalise_int, "number": n.normalise_number, "pnc": n.normalise_pnc, "uprn": n.normalise_uprn,
        "vrm": n.normalise_vrm, "email": n.normalise_email, "local_authority": resolver.council,
        "force": resolver.force,
    }[kind]


def _pnc_derivation(value: n.PncId, record) -> str:
    record.derived["pnc_key"] = value.key
    return value.text


def return_field_normaliser(field_name: str, cache: dict | None = None) -> Callable:
    return _normaliser(fmt.RETURN_FIELDS[field_name], _Resolver({} if cache is None else cache))


_DATES_REMEMBERED = 2_000  # dates of birth are many: memory must not grow with the return


def _not_after(latest: date) -> Callable:
    shown = latest.strftime("%d/%m/%Y")
    # A return repeats its dates (the period's days, dates of birth): each text is read once.
    seen: dict[str, date] = {}

    def normalise(value: object) -> date:
        if type(value) is str:
            day = seen.get(value)
            if day is not None:
                return day
        day = n.normalise_date(value)
        if day > latest:
            raise n.NotValid(f"{day.strftime('%d/%m/%Y')} is after the end of the return's period ({shown}). "
                             "Check the date.", code="date_after_period")
        if type(value) is str and len(seen) < _DATES_REMEMBERED:
            seen[value] = day
        return day

    return normalise


def _known_in(target: str, known: dict[str, int]) -> Callable:
    ref_column = fmt.SHEETS[target].ref_column

    def normalise(value: object) -> str:
        ref = n.normalise_ref(value)
        if ref not in known:
            raise n.NotValid(f"{ref} is not a {ref_column} in the '{target}' sheet of this return. Add that "
                             "record, or correct the reference.", code="unknown_ref")
        return ref

    return normalise


def plan_sheet(sheet: fmt.Sheet, header: tuple[str, ...] | None, *, lookups_cache: dict, latest: date,
               refs: dict[str, dict[str, int]]) -> SheetPlan:
    """`latest`: no date may be after it (period_end). `refs`: each sheet's refs read so far,
    which cross-references must name (a sheet only refers to sheets read before it)."""
    resolver = _Resolver(lookups_cache)
    normalisers = {}
    for name, column in sheet.columns.items():
        if column.kind == "date":
            normalise = _not_after(latest)
        elif column.kind == "number":
            normalise = n.number_within(name, *NUMBER_LIMITS.get((sheet.name, name), _NUMBER_LIMIT))
        elif column.refers_to:
            normalise = _known_in(column.refers_to, refs[column.refers_to])
        else:
            normalise = _normaliser(column, resolver)
        normalisers[name] = (normalise, column.multi)
    codes = {name: _CODES.get(column.kind, f"invalid_{column.kind}") for name, column in sheet.columns.items()}
    plan = SheetPlan(sheet=sheet, normalisers=normalisers, codes=codes)
    present = set(_check_header(sheet, header, plan.header_problems))

    required = [name for name, column in sheet.columns.items() if column.required == "yes" and name in present]
    plan.required = tuple(required)
    plan.required_set = frozenset(required)
    plan.required_messages = {
        name: _GRADING_MESSAGE if name in fmt.GRADING_COLUMNS else f"{name} is required: fill it in."
        for name in required
    }
    groups: dict[str, list[str]] = {}
    for name, column in sheet.columns.items():
        if column.one_of_group:
            groups.setdefault(column.one_of_group, []).append(name)
    one_of = []
    for group, names in groups.items():
        if header is not None and not present & set(names):
            plan.header_problems.append(HeaderProblem(names[0], f"The '{sheet.name}' sheet needs at least one of "
                                                      f"the columns {', '.join(names)}. Add it.", "missing_column"))
        else:
            one_of.append((group, tuple(names)))
    plan.one_of = tuple(one_of) if header is not None else ()
    conditional = []
    for name, column in sheet.columns.items():
        if column.condition:
            condition = fmt.CONDITIONS[column.condition]
            missing = "" if name in present else f" (the sheet has no {name} column: add it)"
            conditional.append((name, condition.when_column, condition.when_value,
                                f"{name} is required {condition.description}{missing}."))
    plan.conditional = tuple(conditional)
    plan.postcodes = tuple(name for name, column in sheet.columns.items() if column.kind == "postcode")
    plan.derivations = tuple((name, _pnc_derivation) for name, column in sheet.columns.items()
                             if column.kind == "pnc")
    return plan


def _check_header(sheet: fmt.Sheet, header: tuple[str, ...] | None, problems: list[HeaderProblem]) -> list[str]:
    """The known columns the header names; problems with it appended to `problems`."""
    if header is None:
        return []  # an empty sheet: fine while it has no rows (a row with values is reported)
    present: list[str] = []
    for name in header:
        if name == "":
            continue
        if name in present:
            problems.append(HeaderProblem(name, f"The column {name} appears twice in the '{sheet.name}' sheet. "
                                          "Keep one.", "duplicate_column"))
        elif name in sheet.columns:
            present.append(name)
        else:
            suggestion = closest_name(name, sheet.columns)
            hint = f"Did you mean '{suggestion}'? Column names are lower-case, exactly as in the format." \
                if suggestion else "Remove the column, or move what it holds into a column the format has."
            problems.append(HeaderProblem(name, f"The '{sheet.name}' sheet has a column '{name}' that format v1 "
                                          f"does not have, so what it holds would be lost. {hint}",
                                          "unknown_column"))
    for name, column in sheet.columns.items():
        if column.required == "yes" and name not in present:
            problems.append(HeaderProblem(name, f"The '{sheet.name}' sheet has no {name} column, which the "
                                          "format requires. Add it.", "missing_column"))
    return present
