"""Mistakes a submitter really makes, put into an otherwise valid return so that tests and demos
can show the platform refusing it with a located error.

Each fault is one row (or one column) added to a return as it is written; `inject` returns where
the validator should point: sheet, spreadsheet row, column and the offending value.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from crossline.synthetic.writers import Formula, ReturnWriter

FAULTS = {
    "child_not_vulnerable": "a 15-year-old runner recorded as vulnerable N with no factors",
    "bad_date": "a date of birth that is not a date (31 February)",
    "future_date": "an event dated after the end of the period",
    "unknown_column": "a column the format does not know",
    "formula_cell": "a spreadsheet formula in a cell (xlsx)",
    "missing_grading": "a record with no source evaluation",
    "dangling_ref": "a person linked to a line reference that is not in the return",
}
UNKNOWN_COLUMN = "officer_comments"


@dataclass(frozen=True)
class FaultLocation:
    fault: str
    sheet: str
    row: int | None
    column: str
    value: str

    def as_dict(self) -> dict:
        return {"fault": self.fault, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "meaning": FAULTS[self.fault]}


def extra_columns(faults: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Columns to add to each sheet's header row before any row is written."""
    return {"people": (UNKNOWN_COLUMN,)} if "unknown_column" in faults else {}


def _person(ref: str, period_end: date, **changes) -> dict:
    row = {"person_ref": ref, "surname": "Example", "forenames": "Test", "roles": ["runner"],
           "date_of_birth": period_end - timedelta(days=365 * 30), "vulnerable": False,
           "source_eval": "U", "intel_assessment": "3", "handling_code": "P"}
    row.update(changes)
    return row


def inject(writer: ReturnWriter, fault: str, *, period_end: date, ref_prefix: str) -> FaultLocation:
    """Add `fault` to the return being written by `writer`; say where it is."""
    ref = f"{ref_prefix}-FAULT-{fault.upper()}"
    if fault == "child_not_vulnerable":
        dob = period_end - timedelta(days=365 * 15 + 100)
        writer.add("people", _person(ref, period_end, date_of_birth=dob, vulnerable=False,
                                     vulnerability_factors=[]))
        return FaultLocation(fault, "people", writer.counts["people"] + 1, "vulnerable", "N")
    if fault == "bad_date":
        writer.add("people", _person(ref, period_end, date_of_birth="31/02/2009"))
        return FaultLocation(fault, "people", writer.counts["people"] + 1, "date_of_birth", "31/02/2009")
    if fault == "future_date":
        later = period_end + timedelta(days=10)
        writer.add("events", {"event_ref": ref, "date": later, "type": "arrest", "source_eval": "R",
                              "intel_assessment": "2", "handling_code": "P"})
        return FaultLocation(fault, "events", writer.counts["events"] + 1, "date", later.isoformat())
    if fault == "unknown_column":
        writer.add("people", _person(ref, period_end, **{UNKNOWN_COLUMN: "see RMS"}))
        return FaultLocation(fault, "people", 1, UNKNOWN_COLUMN, UNKNOWN_COLUMN)
    if fault == "formula_cell":
        formula = '=HYPERLINK("http://example.invalid","Smith")'
        writer.add("people", _person(ref, period_end, surname=Formula(formula)))
        return FaultLocation(fault, "people", writer.counts["people"] + 1, "surname", formula)
    if fault == "missing_grading":
        writer.add("people", _person(ref, period_end, source_eval=None))
        return FaultLocation(fault, "people", writer.counts["people"] + 1, "source_eval", "")
    if fault == "dangling_ref":
        writer.add("people", _person(ref, period_end, line_refs=[f"{ref_prefix}-NO-SUCH-LINE"]))
        return FaultLocation(fault, "people", writer.counts["people"] + 1, "line_refs", f"{ref_prefix}-NO-SUCH-LINE")
    raise ValueError(f"unknown fault {fault!r}: choose from {', '.join(FAULTS)}")
