"""Completeness (fill rate of key fields) and quality indicators, counted by the database over a
force's current returns: checked against a small return whose every cell is known."""

import pytest

from crossline.compliance.scores import scores_by_force
from crossline.compliance.tests.support import london, monthly_return, submit_at
from crossline.returns.models import NationalReturn
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db
WY = "E23000010"


def _person(ref, **cells):
    return {"person_ref": ref, "surname": "Example", "roles": ["associate"], "vulnerable": "N",
            "source_eval": "U", "intel_assessment": "3", "handling_code": "P", **cells}


def known_return() -> dict:
    """The builders' sample (a line, two people, a place, a car, an event) and three more people:
    an adult placed outside England and Wales and sharing a number, an adult known only by name
    sharing it too, and a child recorded as vulnerable for being a child and nothing else."""
    doc = monthly_return(2026, 10)
    doc["people"] += [
        _person("WY-P-3", age_estimate="30", gender="unknown", postcode="EH1 1YZ", phone_numbers=["0113 496 0000"]),
        _person("WY-P-4", gender="female", phone_numbers=["0113 496 0000"]),
        _person("WY-P-5", date_of_birth="2012-01-01", gender="male", vulnerable="Y",
                vulnerability_factors=["under_18"]),
    ]
    return doc


@pytest.fixture
def scores(wy_submitter, raw_store):
    assert submit_at(london(2026, 11, 5, 10), wy_submitter, known_return()).status == "accepted"
    return scores_by_force(force_codes=[WY], returns=NationalReturn.objects.filter(is_current=True))[WY]


def test_fill_rates_of_key_fields(scores):
    fills = {(fill.sheet, fill.label): (fill.filled, fill.total) for fill in scores.completeness}

    assert fills[("lines", "Deal numbers")] == (1, 1)
    assert fills[("people", "Date of birth or age estimate")] == (4, 5)
    assert fills[("people", "Gender (other than unknown)")] == (3, 5)
    assert fills[("people", "Postcode")] == (2, 5)
    assert fills[("people", "Phone numbers")] == (4, 5)
    assert fills[("locations", "UPRN")] == (1, 1)
    assert fills[("events", "Postcode or location")] == (1, 1)
    assert scores.completeness_rate == 21 / 28  # every key cell of every record
    assert scores.records == {"lines": 1, "people": 5, "locations": 1, "vehicles": 1, "events": 1}


def test_quality_indicators(scores):
    quality = {indicator.key: (indicator.count, indicator.total) for indicator in scores.quality}

    assert quality["postcodes_placed"] == (2, 3)  # EH1 is not in England and Wales
    assert quality["numbers_one_person"] == (1, 4)  # 0113 496 0000 is on three people
    assert quality["children_with_reasons"] == (1, 2)
    assert quality["children_vulnerable"] == (2, 2)
    assert quality["records_graded"] == (9, 9)
    assert scores.children == 2
    # Only what varies between forces is scored; the guaranteed figures are shown, not scored.
    assert scores.quality_rate == pytest.approx((2 / 3 + 1 / 4 + 1 / 2) / 3)


def test_only_the_current_version_counts(wy_submitter, raw_store):
    first = known_return()
    submit_at(london(2026, 11, 5, 10), wy_submitter, first)
    first["people"] = first["people"][:2]  # the correction drops the three extra people
    submit_at(london(2026, 11, 6, 10), wy_submitter, first)

    scores = scores_by_force(force_codes=[WY], returns=NationalReturn.objects.filter(is_current=True))[WY]

    assert scores.records["people"] == 2


def test_a_force_with_no_returns_has_nothing_to_measure(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # one per sheet and two for phone numbers, whatever the forces
        scores = scores_by_force(force_codes=[WY, "E23000009"], returns=NationalReturn.objects.all())
    assert scores[WY].completeness_rate is None
    assert scores[WY].quality_rate is None
