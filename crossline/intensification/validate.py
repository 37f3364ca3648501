"""Checking a force's results for a week, whichever way they came (web form, API, upload).

    checked = results_check(raw, previous=highest)   # raw: {field: Raw(value, where...)}
    checked.errors     # every problem at once, each located; any error means nothing is stored
    checked.warnings   # plausibility: shown to the submitter, never blocking
    checked.values     # {field: int or Decimal}, only when there are no errors

Errors say what to do, in GOV.UK's way ("Enter arrests as a whole number, like 12"). A figure
is located by its field and, for an upload, by sheet, row and column as the submitter sees them.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from crossline.intensification.figures import (
    BY_KEY,
    COUNT,
    COUNT_KEYS,
    DECIMAL_PLACES,
    FIGURES,
    GRAMS,
    LIMITS,
    POUNDS,
    Figure,
    shown,
)
from crossline.returns.readers import CellError, Formula

_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
# A figure this many times the force's highest in earlier weeks, and at least SPIKE_FLOOR, is
# worth a second look before it goes into the national totals.
SPIKE_FACTOR = 10
SPIKE_FLOOR = 20


@dataclass(frozen=True)
class Raw:
    """A value as the submitter gave it, and where: an upload's sheet, row and column."""

    value: object
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class Problem:
    field: str | None  # a figure's key, "force", "week", "file" or None for the whole submission
    message: str
    code: str
    value: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        if self.sheet and self.row:
            return f"{self.sheet} row {self.row}" + (f", column {self.column}" if self.column else "")
        if self.sheet:
            return f"sheet ‘{self.sheet}’"
        if self.field in BY_KEY:
            return BY_KEY[self.field].label
        return self.field or ""

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message, "code": self.code, "value": self.value,
                "sheet": self.sheet, "row": self.row, "column": self.column}


@dataclass
class Checked:
    values: dict | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def problem_at(raw: Raw | None, key: str | None, message: str, code: str) -> Problem:
    raw = raw or Raw(None)
    value = "" if raw.value is None else str(getattr(raw.value, "text", raw.value))[:200]
    return Problem(key, message, code, value, raw.sheet, raw.row, raw.column)


_NOUNS = {"nrm_referrals": "NRM referrals", "lines_closed_type_1": "lines closed as type 1",
          "lines_closed_type_2": "lines closed as type 2"}


def _what(figure: Figure) -> str:
    if figure.kind == POUNDS:
        return "the cash seized"
    return f"the number of {_NOUNS.get(figure.key, figure.label.lower())}"


def _parse(figure: Figure, raw: Raw) -> tuple[object, str | None, str]:
    """(value, error message or None, error code). A blank optional figure is 0."""
    value = raw.value
    label = figure.label
    if isinstance(value, Formula):
        return None, f"{label} holds a formula ({value.text[:40]}). Type the figure itself", "formula"
    if isinstance(value, CellError):
        return None, f"{label} holds a spreadsheet error ({value.text}). Type the figure itself", "cell_error"
    if value is None or (isinstance(value, str) and not value.strip()):
        if not figure.required:
            return Decimal(0), None, ""
        return None, f"Enter {_what(figure)}, or 0 if there were none", "required"
    if isinstance(value, bool) or isinstance(value, date | datetime):
        return None, f"Enter {label.lower()} as a number, like {_example(figure)}", "not_a_number"
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None, f"Enter {label.lower()} as a number, like {_example(figure)}", "not_a_number"
        if not number.is_finite():
            return None, f"Enter {label.lower()} as a number, like {_example(figure)}", "not_a_number"
    else:
        text = str(value).strip().replace(" ", "")
        if figure.kind == POUNDS:
            text = text.removeprefix("£")
        if figure.kind == GRAMS:
            text = text.removesuffix("g")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if text.startswith("-") and _NUMBER.match(text[1:]):
            return None, f"{label} must be 0 or more", "negative"
        if not _NUMBER.match(text):
            return None, f"Enter {label.lower()} as a number, like {_example(figure)}", "not_a_number"
        number = Decimal(text)
    if number < 0:
        return None, f"{label} must be 0 or more", "negative"
    if number > LIMITS[figure.kind]:  # first: a huge number cannot even be rounded
        return None, f"{label} must be {shown(figure, LIMITS[figure.kind])} or less", "too_large"
    places = DECIMAL_PLACES[figure.kind]
    if number != number.quantize(Decimal(1).scaleb(-places)):
        if figure.kind == COUNT:
            return None, f"{label} must be a whole number", "not_whole"
        if figure.kind == POUNDS:
            return None, f"{label} must be in pounds and pence, like 18000.50", "too_precise"
        return None, f"{label} must be in grams to at most 3 decimal places", "too_precise"
    return (int(number) if figure.kind == COUNT else number.quantize(Decimal(1).scaleb(-places))), None, ""


def _example(figure: Figure) -> str:
    return {COUNT: "12", GRAMS: "250.5", POUNDS: "18000.50"}[figure.kind]


def results_check(raw: dict[str, Raw], *, previous_highest: dict[str, object] | None = None) -> Checked:
    """Check every figure; `raw` has a Raw for each figure given (a missing one counts as blank).
    `previous_highest`: the force's highest value of each figure in earlier weeks, for the
    "much higher than usual" warning."""
    errors: list[Problem] = []
    values: dict[str, object] = {}
    for figure in FIGURES:
        given = raw.get(figure.key, Raw(None))
        value, message, code = _parse(figure, given)
        if message:
            errors.append(problem_at(given, figure.key, message, code))
        else:
            values[figure.key] = value
    if errors:
        return Checked(values=None, errors=errors)
    return Checked(values=values, warnings=_plausibility(values, raw, previous_highest or {}))


def _plausibility(values: dict, raw: dict[str, Raw], previous_highest: dict) -> list[Problem]:
    warnings = []

    def warn(key: str, message: str, code: str) -> None:
        warnings.append(problem_at(raw.get(key), key, message, code))

    if values["charges"] > values["arrests"]:
        warn("charges", f"There are more charges ({values['charges']:,}) than arrests ({values['arrests']:,}). "
             "That is right only if people arrested before the week were charged during it", "charges_over_arrests")
    safeguarded = values["safeguarded_children"] + values["safeguarded_adults"]
    if values["nrm_referrals"] > safeguarded:
        warn("nrm_referrals", f"There are more NRM referrals ({values['nrm_referrals']:,}) than people safeguarded "
             f"({safeguarded:,}). Check whether everyone referred is counted as safeguarded", "nrm_over_safeguarded")
    if values["lines_closed_type_1"] > values["charges"]:
        warn("lines_closed_type_1", f"More lines closed as type 1 ({values['lines_closed_type_1']:,}) than charges "
             f"({values['charges']:,}): a type 1 closure means the line holder was charged", "type_1_over_charges")
    if all(not value for value in values.values()):
        warn(None, "Every figure is 0. If the force took no action during the week, submit it as it is", "all_zero")
    for key in COUNT_KEYS:
        highest = previous_highest.get(key)
        if highest is not None and values[key] >= SPIKE_FLOOR and values[key] > SPIKE_FACTOR * max(highest, 1):
            warn(key, f"{BY_KEY[key].label} ({values[key]:,}) is more than {SPIKE_FACTOR} times the force's highest in "
                 f"earlier intensification weeks ({highest:,}). Check for a typing slip", "much_higher_than_before")
    return warnings
