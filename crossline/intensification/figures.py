"""What a force reports for an intensification week, as data: the web form, the API, the
upload template, the validator, the totals and the exports all read the figures from here.

Drug types are the return format's own vocabulary (return-format-v1.md, `drugs`), so a week's
seizures and a return's events speak of the same drugs.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from crossline.returns.format import DRUGS

COUNT, GRAMS, POUNDS = "count", "grams", "pounds"

DRUG_NAMES = {
    "crack_cocaine": "Crack cocaine", "heroin": "Heroin", "cocaine": "Cocaine (powder)", "cannabis": "Cannabis",
    "ketamine": "Ketamine", "mdma": "MDMA (ecstasy)", "spice": "Spice (synthetic cannabinoids)",
    "other": "Other drugs",
}
if set(DRUG_NAMES) != set(DRUGS):
    raise ImproperlyConfigured("Every drug in the return format needs a name in intensification.figures.")

# The most a force could report for one week: anything larger is a typing slip, not a result.
LIMITS = {COUNT: 99_999, GRAMS: Decimal("9999999.999"), POUNDS: Decimal("999999999.99")}
DECIMAL_PLACES = {COUNT: 0, GRAMS: 3, POUNDS: 2}


@dataclass(frozen=True)
class Figure:
    key: str  # the field's name in the form, the API, the upload and the exports
    label: str
    kind: str  # COUNT, GRAMS or POUNDS
    group: str
    hint: str = ""
    required: bool = True  # a drug weight left blank means none of that drug was seized
    drug: str = ""

    @property
    def unit(self) -> str:
        return {COUNT: "", GRAMS: "g", POUNDS: "£"}[self.kind]


GROUPS = {
    "enforcement": "Arrests and charges",
    "drugs": "Drugs seized",
    "cash": "Cash seized",
    "weapons": "Weapons seized",
    "safeguarding": "Safeguarding",
    "lines": "Lines closed",
}

FIGURES: tuple[Figure, ...] = (
    Figure("arrests", "Arrests", COUNT, "enforcement", "People arrested for county lines offences during the week."),
    Figure("charges", "Charges", COUNT, "enforcement", "People charged during the week, including people arrested "
           "before it."),
    *(Figure(f"drug_{drug}_grams", DRUG_NAMES[drug], GRAMS, "drugs", required=False, drug=drug)
      for drug in DRUGS),
    Figure("cash_seized_gbp", "Cash seized", POUNDS, "cash", "In pounds sterling, for example 18000 or 18000.50."),
    Figure("weapons_firearms", "Firearms", COUNT, "weapons", "Including imitation and air weapons."),
    Figure("weapons_bladed", "Bladed weapons", COUNT, "weapons", "Knives, machetes, swords."),
    Figure("weapons_other", "Other weapons", COUNT, "weapons", "For example corrosives, batons, knuckledusters."),
    Figure("safeguarded_children", "Children safeguarded", COUNT, "safeguarding", "Under 18."),
    Figure("safeguarded_adults", "Vulnerable adults safeguarded", COUNT, "safeguarding"),
    Figure("nrm_referrals", "National Referral Mechanism (NRM) referrals", COUNT, "safeguarding"),
    Figure("cuckooed_addresses_visited", "Cuckooed addresses visited", COUNT, "safeguarding"),
    Figure("lines_closed_type_1", "Lines closed: type 1", COUNT, "lines",
           "The line closed and the line holder charged."),
    Figure("lines_closed_type_2", "Lines closed: type 2", COUNT, "lines",
           "The line closed another way, for example the number deactivated."),
)
BY_KEY = {figure.key: figure for figure in FIGURES}
COUNT_KEYS = tuple(f.key for f in FIGURES if f.kind == COUNT)
DRUG_KEYS = tuple(f.key for f in FIGURES if f.drug)
FIELD_FOR_DRUG = {f.drug: f.key for f in FIGURES if f.drug}


def figures_by_group() -> list[tuple[str, str, list[Figure]]]:
    """(group key, heading, figures) in the order a person fills them in."""
    grouped: dict[str, list[Figure]] = {}
    for figure in FIGURES:
        grouped.setdefault(figure.group, []).append(figure)
    return [(key, GROUPS[key], grouped[key]) for key in GROUPS]


def shown(figure: Figure, value) -> str:
    """A figure as people read it: 1,234 / 1,234.5 g / £18,000.00."""
    if value is None:
        return ""
    if figure.kind == POUNDS:
        return f"£{value:,.2f}"
    if figure.kind == GRAMS:
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
        return f"{text} g"
    return f"{value:,}"
