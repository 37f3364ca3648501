"""The national return format v1 as data (docs/return-format-v1.md).

One source of truth: the validator, the xlsx template generator and the synthetic data
generator all read the sheets, columns and vocabularies from here. Never reinterpret a v1
field: a later version gets its own module.

`Column.required` is one of:
    "yes"             the cell must hold a value on every row
    "no"              optional
    "one_of:<group>"  at least one column of the group must hold a value (see ONE_OF_GROUPS)
    "if:<condition>"  required when the condition holds (see CONDITIONS)
"""

from dataclasses import dataclass

FORMAT_VERSION = 1
MULTI_VALUE_SEPARATOR = ";"

# --- Vocabularies (stored values are exactly these strings) ---------------------------------
DRUGS = ("crack_cocaine", "heroin", "cocaine", "cannabis", "ketamine", "mdma", "spice", "other")
WEAPONS = ("knife", "firearm", "corrosive", "other")
LINE_STATUSES = ("active", "dormant", "closed")
CLOSURE_TYPES = ("type1", "type2")  # type1: line holder charged; type2: number deactivated
GENDERS = ("male", "female", "other", "unknown")
ROLES = (
    "line_holder", "controller", "runner", "recruiter", "enforcer", "user", "cuckooed_occupant", "associate",
)
VULNERABILITY_FACTORS = (
    "under_18", "looked_after", "care_leaver", "missing_episodes", "excluded_from_school", "send",
    "mental_health", "substance_dependency", "learning_disability", "homeless", "debt_bondage",
    "sexual_exploitation", "cuckooed", "other",
)
NRM_STATUSES = ("none", "referred", "positive_rg", "negative_rg", "positive_cg", "negative_cg")
LOCATION_TYPES = ("cuckooed_address", "trap_house", "stash", "deal_site", "hotel", "transport_hub", "other")
EVENT_TYPES = (
    "violence", "weapon_seizure", "drug_seizure", "cash_seizure", "arrest", "charge", "missing_episode",
    "cuckooing_report", "nrm_referral", "safeguarding_referral", "other",
)
# Intelligence grading (3x5x2).
SOURCE_EVALS = ("R", "U", "X")  # reliable, untested, not reliable
INTEL_ASSESSMENTS = ("1", "2", "3", "4", "5")
HANDLING_CODES = ("P", "C")  # P: lawful sharing permitted; C: subject to conditions

SOURCE_EVAL_MEANINGS = {"R": "reliable", "U": "untested", "X": "not reliable"}
INTEL_ASSESSMENT_MEANINGS = {
    "1": "known directly to the source",
    "2": "known indirectly but corroborated",
    "3": "known indirectly",
    "4": "not known",
    "5": "suspected false or malicious",
}
HANDLING_CODE_MEANINGS = {"P": "lawful sharing permitted", "C": "lawful sharing permitted subject to conditions"}

# Column kinds. Multi-valued kinds hold `;`-separated values in xlsx/CSV and arrays in JSON.
KINDS = frozenset({
    "text", "ref", "refs", "date", "yesno", "vocab", "vocab_multi", "phone_multi", "postcode", "area",
    "area_multi", "int", "number", "pnc", "uprn", "vrm", "email", "multi_text",
    "force",  # a police force: ONS code, BTP or name (the return's `force`)
    "local_authority",  # a local authority: GSS code (any vintage) or name
})
MULTI_KINDS = frozenset({"refs", "vocab_multi", "phone_multi", "area_multi", "multi_text"})


@dataclass(frozen=True)
class Column:
    name: str
    required: str  # "yes" | "no" | "one_of:<group>" | "if:<condition>"
    kind: str
    vocabulary: tuple[str, ...] | None = None
    refers_to: str | None = None  # for cross-references: the sheet whose refs this column names
    help: str = ""  # what the column means, in the submitter's words (for the template)

    @property
    def multi(self) -> bool:
        return self.kind in MULTI_KINDS

    @property
    def one_of_group(self) -> str | None:
        return self.required.removeprefix("one_of:") if self.required.startswith("one_of:") else None

    @property
    def condition(self) -> str | None:
        return self.required.removeprefix("if:") if self.required.startswith("if:") else None


@dataclass(frozen=True)
class Sheet:
    name: str
    required: bool
    columns: dict[str, Column]
    ref_column: str | None = None  # the submitter's own reference for each record
    help: str = ""


@dataclass(frozen=True)
class Condition:
    """Column `column` is required when column `when_column` holds (or, if multi, includes) `when_value`."""

    when_column: str
    when_value: object
    description: str  # says when, in the submitter's words


CONDITIONS = {
    "closed": Condition("status", "closed", "when status is closed"),
    "vulnerable": Condition("vulnerable", True, "when vulnerable is Y"),
    "looked_after": Condition("vulnerability_factors", "looked_after", "when vulnerability_factors includes looked_after"),
    "handling_code_c": Condition("handling_code", "C", "when handling_code is C"),
}

# At least one column of each group must hold a value on every row of its sheet.
ONE_OF_GROUPS = {
    "line_identity": ("line_name", "deal_numbers"),
    "person_identity": ("surname", "forenames", "aliases"),
    "location_place": ("address", "postcode"),
}


def _columns(*columns: Column) -> dict[str, Column]:
    return {column.name: column for column in columns}


def _grading() -> tuple[Column, ...]:
    return (
        Column("source_eval", "yes", "vocab", SOURCE_EVALS, help="R reliable, U untested, X not reliable"),
        Column("intel_assessment", "yes", "vocab", INTEL_ASSESSMENTS, help="1 to 5"),
        Column("handling_code", "yes", "vocab", HANDLING_CODES, help="P, or C with conditions"),
        Column("handling_conditions", "if:handling_code_c", "text", help="the conditions, when handling_code is C"),
    )


# The `return` sheet has two columns, `field` and `value`; its fields are these.
RETURN_FIELDS = _columns(
    Column("format_version", "yes", "int", help="1"),
    Column("force", "yes", "force", help="ONS police force area code (e.g. E23000010), BTP, or the force's name"),
    Column("period_start", "yes", "date", help="first day covered"),
    Column("period_end", "yes", "date", help="last day covered"),
    Column("submitted_by", "yes", "text", help="name and role of the person responsible"),
    Column("contact_email", "yes", "email", help="where questions about this return go"),
)

LINES = Sheet("lines", True, _columns(
    Column("line_ref", "yes", "ref", help="your reference for the line"),
    Column("line_name", "one_of:line_identity", "text", help="brand the line trades under"),
    Column("deal_numbers", "one_of:line_identity", "phone_multi", help="deal line phone numbers"),
    Column("exporting_area", "yes", "area", help="force or local authority the line is run from"),
    Column("importing_areas", "yes", "area_multi", help="forces or local authorities it supplies"),
    Column("drugs", "no", "vocab_multi", DRUGS),
    Column("status", "yes", "vocab", LINE_STATUSES),
    Column("closure_type", "if:closed", "vocab", CLOSURE_TYPES),
    Column("first_reported", "no", "date"),
    Column("last_reported", "no", "date"),
    Column("violence", "no", "yesno"),
    Column("weapons", "no", "vocab_multi", WEAPONS),
    *_grading(),
    Column("notes", "no", "text"),
), ref_column="line_ref")

PEOPLE = Sheet("people", True, _columns(
    Column("person_ref", "yes", "ref", help="your reference for the person"),
    Column("surname", "one_of:person_identity", "text"),
    Column("forenames", "one_of:person_identity", "text"),
    Column("aliases", "one_of:person_identity", "multi_text", help="street names / nicknames"),
    Column("date_of_birth", "no", "date"),
    Column("age_estimate", "no", "int", help="whole years, when no date of birth is known"),
    Column("gender", "no", "vocab", GENDERS),
    Column("pnc_id", "no", "pnc", help="YY/NNNNNNNA"),
    Column("phone_numbers", "no", "phone_multi"),
    Column("address", "no", "text"),
    Column("postcode", "no", "postcode"),
    Column("roles", "yes", "vocab_multi", ROLES),
    Column("line_refs", "no", "refs", refers_to="lines"),
    Column("vulnerable", "yes", "yesno", help="is this person being exploited or at risk"),
    Column("vulnerability_factors", "if:vulnerable", "vocab_multi", VULNERABILITY_FACTORS),
    Column("looked_after_by", "if:looked_after", "local_authority", help="the local authority responsible"),
    Column("nrm_status", "no", "vocab", NRM_STATUSES),
    Column("safeguarding_actions", "no", "text"),
    *_grading(),
    Column("notes", "no", "text"),
), ref_column="person_ref")

LOCATIONS = Sheet("locations", True, _columns(
    Column("location_ref", "yes", "ref"),
    Column("type", "yes", "vocab", LOCATION_TYPES),
    Column("address", "one_of:location_place", "text"),
    Column("postcode", "one_of:location_place", "postcode"),
    Column("uprn", "no", "uprn", help="Unique Property Reference Number, 1-12 digits"),
    Column("line_refs", "no", "refs", refers_to="lines"),
    Column("person_refs", "no", "refs", refers_to="people"),
    Column("first_reported", "no", "date"),
    Column("last_reported", "no", "date"),
    *_grading(),
    Column("notes", "no", "text"),
), ref_column="location_ref")

VEHICLES = Sheet("vehicles", False, _columns(
    Column("vehicle_ref", "yes", "ref"),
    Column("vrm", "yes", "vrm", help="registration mark"),
    Column("make", "no", "text"),
    Column("model", "no", "text"),
    Column("colour", "no", "text"),
    Column("line_refs", "no", "refs", refers_to="lines"),
    Column("person_refs", "no", "refs", refers_to="people"),
    *_grading(),
), ref_column="vehicle_ref")

EVENTS = Sheet("events", False, _columns(
    Column("event_ref", "yes", "ref"),
    Column("date", "yes", "date"),
    Column("type", "yes", "vocab", EVENT_TYPES),
    Column("postcode", "no", "postcode", help="where it happened"),
    Column("location_ref", "no", "ref", refers_to="locations"),
    Column("line_refs", "no", "refs", refers_to="lines"),
    Column("person_refs", "no", "refs", refers_to="people"),
    Column("drug", "no", "vocab", DRUGS),
    Column("quantity_grams", "no", "number"),
    Column("cash_gbp", "no", "number"),
    Column("weapon", "no", "vocab", WEAPONS),
    Column("description", "no", "text"),
    *_grading(),
), ref_column="event_ref")

RETURN_SHEET = Sheet("return", True, _columns(
    Column("field", "yes", "text"),
    Column("value", "no", "text"),
))

# In the order a return is read and the template lays them out.
SHEETS: dict[str, Sheet] = {
    sheet.name: sheet for sheet in (RETURN_SHEET, LINES, PEOPLE, LOCATIONS, VEHICLES, EVENTS)
}
RECORD_SHEETS = tuple(name for name in SHEETS if name != "return")
# Sheets of the platform's own xlsx template that are there for people to read: not data, so
# the validator skips them rather than rejecting them as unknown sheets.
GUIDANCE_SHEETS = ("instructions",)
GRADING_COLUMNS = ("source_eval", "intel_assessment", "handling_code", "handling_conditions")
