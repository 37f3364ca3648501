"""How complete and how usable a force's returns are: figures the database works out.

Every figure is a count the database makes over the records of the returns asked about (one
grouped query per sheet, whatever the number of forces or records), never a walk over rows here.

Completeness is the fill rate of the fields that make a record useful beyond the format's
minimum: whether a person's age is known, a line's deal numbers, a place's postcode.

Quality is what a national centre needs to trust and use what it is sent. Several checks a reader
might expect are guaranteed for every accepted return, because the validator rejects a return that
fails them: every phone number normalised to E.164, every record graded, every child recorded as
vulnerable with under_18. Those are shown (so that the guarantee is visible) but scoring them
would only flatter every force equally, so the quality score is made of what does vary:
- postcodes that place the record in a force area (a postcode the reference data cannot place
  is accepted with a warning, and matching across forces by place then misses it);
- phone numbers that identify one person: a number put on three or more people of one return is
  almost always a switchboard, a custody suite or a placeholder, and would link strangers;
- children whose vulnerability says more than their age: a child recorded only as "under_18"
  tells safeguarding partners nothing they can act on (missing episodes, looked after, debt...).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from crossline.returns import format as fmt
from crossline.returns.models import Event, Line, Location, NationalReturn, Person, PhoneNumber, Vehicle

SHARED_NUMBER_PEOPLE = 3  # a number on this many people of one return is not theirs alone


@dataclass(frozen=True)
class KeyField:
    sheet: str
    key: str
    label: str
    filled: Q


KEY_FIELDS = (
    KeyField("lines", "deal_numbers", "Deal numbers", ~Q(deal_numbers=[])),
    KeyField("lines", "drugs", "Drugs supplied", ~Q(drugs=[])),
    KeyField("lines", "first_reported", "First reported", Q(first_reported__isnull=False)),
    KeyField("people", "age", "Date of birth or age estimate",
             Q(date_of_birth__isnull=False) | Q(age_estimate__isnull=False)),
    KeyField("people", "gender", "Gender (other than unknown)", ~Q(gender="") & ~Q(gender="unknown")),
    KeyField("people", "postcode", "Postcode", ~Q(postcode="")),
    KeyField("people", "phone_numbers", "Phone numbers", ~Q(phone_numbers=[])),
    KeyField("locations", "postcode", "Postcode", ~Q(postcode="")),
    KeyField("locations", "uprn", "UPRN", ~Q(uprn="")),
    KeyField("vehicles", "make", "Make", ~Q(make="")),
    KeyField("vehicles", "colour", "Colour", ~Q(colour="")),
    KeyField("events", "place", "Postcode or location", ~Q(postcode="") | ~Q(location_ref="")),
)
SHEET_MODELS = {"lines": Line, "people": Person, "locations": Location, "vehicles": Vehicle, "events": Event}
PLACED_SHEETS = ("people", "locations", "events")
GRADED = Q(source_eval__in=fmt.SOURCE_EVALS, intel_assessment__in=fmt.INTEL_ASSESSMENTS,
           handling_code__in=fmt.HANDLING_CODES)


def _rate(count: int, total: int) -> float | None:
    return count / total if total else None


@dataclass
class Fill:
    sheet: str
    label: str
    filled: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return _rate(self.filled, self.total)


@dataclass
class Indicator:
    key: str
    label: str
    count: int = 0
    total: int = 0
    scored: bool = True
    note: str = ""

    @property
    def rate(self) -> float | None:
        return _rate(self.count, self.total)


@dataclass
class Scores:
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHEET_MODELS, 0))
    completeness: list[Fill] = field(default_factory=list)
    quality: list[Indicator] = field(default_factory=list)
    children: int = 0

    @property
    def completeness_rate(self) -> float | None:
        """Of every key field on every record, the share filled in."""
        return _rate(sum(fill.filled for fill in self.completeness), sum(fill.total for fill in self.completeness))

    @property
    def quality_rate(self) -> float | None:
        """The average of the scored indicators that had something to measure."""
        rates = [indicator.rate for indicator in self.quality if indicator.scored and indicator.rate is not None]
        return sum(rates) / len(rates) if rates else None


def _sheet_counts(model, returns: QuerySet[NationalReturn], extra: dict) -> dict[str, dict]:
    aggregates = {"records": Count("id"), "graded": Count("id", filter=GRADED), **extra}
    rows = (model.objects.filter(national_return__in=returns.values("pk"))
            .values("national_return__force_id").annotate(**aggregates))
    return {row.pop("national_return__force_id"): row for row in rows}


def scores_by_force(*, force_codes: list[str], returns: QuerySet[NationalReturn]) -> dict[str, Scores]:
    """Completeness and quality of `returns` (meant to be the current versions), force by force."""
    returns = returns.filter(force_id__in=force_codes)
    counts: dict[str, dict[str, dict]] = {}
    for sheet, model in SHEET_MODELS.items():
        extra = {f"fill_{kf.key}": Count("id", filter=kf.filled) for kf in KEY_FIELDS if kf.sheet == sheet}
        if sheet in PLACED_SHEETS:
            extra["postcodes"] = Count("id", filter=~Q(postcode=""))
            extra["placed"] = Count("id", filter=~Q(postcode="") & Q(postcode_force__isnull=False))
        if sheet == "people":
            extra["children"] = Count("id", filter=Q(is_child=True))
            extra["children_vulnerable"] = Count("id", filter=Q(is_child=True, vulnerable=True))
            # The validator guarantees a child's factors include under_18, so any other list says more.
            extra["children_with_reasons"] = Count("id", filter=Q(is_child=True) & ~Q(vulnerability_factors=["under_18"]))
        counts[sheet] = _sheet_counts(model, returns, extra)
    numbers, shared = _phone_counts(returns)

    result = {}
    empty: dict = {}
    for code in force_codes:
        scores = Scores()
        by_sheet = {sheet: counts[sheet].get(code, empty) for sheet in SHEET_MODELS}
        for sheet, row in by_sheet.items():
            scores.records[sheet] = row.get("records", 0)
        for kf in KEY_FIELDS:
            row = by_sheet[kf.sheet]
            scores.completeness.append(Fill(kf.sheet, kf.label, row.get(f"fill_{kf.key}", 0), row.get("records", 0)))
        people = by_sheet["people"]
        scores.children = people.get("children", 0)
        scores.quality = [
            Indicator("postcodes_placed", "Postcodes placed in a force area",
                      sum(by_sheet[s].get("placed", 0) for s in PLACED_SHEETS),
                      sum(by_sheet[s].get("postcodes", 0) for s in PLACED_SHEETS)),
            Indicator("numbers_one_person", "People's phone numbers that identify one person",
                      numbers.get(code, 0) - shared.get(code, 0), numbers.get(code, 0),
                      note=f"A number on {SHARED_NUMBER_PEOPLE} or more people of one return is not counted."),
            Indicator("children_with_reasons", "Children with a vulnerability beyond their age",
                      people.get("children_with_reasons", 0), scores.children),
            Indicator("children_vulnerable", "Children recorded as vulnerable", people.get("children_vulnerable", 0),
                      scores.children, scored=False, note="Always all: a return that does otherwise is rejected."),
            Indicator("records_graded", "Records graded (3x5x2)",
                      sum(row.get("graded", 0) for row in by_sheet.values()), sum(scores.records.values()),
                      scored=False, note="Always all: a return with an ungraded record is rejected."),
        ]
        result[code] = scores
    return result


def _phone_counts(returns: QuerySet[NationalReturn]) -> tuple[dict[str, int], dict[str, int]]:
    """People's numbers per force, and how many of them sit on SHARED_NUMBER_PEOPLE or more people
    of the same return. The shared ones are few, so only they come back as rows."""
    people_numbers = PhoneNumber.objects.filter(national_return__in=returns.values("pk"), sheet="people")
    numbers = {row["national_return__force_id"]: row["n"] for row in
               people_numbers.values("national_return__force_id").annotate(n=Count("id"))}
    shared: dict[str, int] = {}
    for row in (people_numbers.values("national_return__force_id", "national_return_id", "e164")
                .annotate(n=Count("id")).filter(n__gte=SHARED_NUMBER_PEOPLE)):
        code = row["national_return__force_id"]
        shared[code] = shared.get(code, 0) + row["n"]
    return numbers, shared
