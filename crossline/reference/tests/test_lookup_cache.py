"""A return of 500,000 rows resolves its places from memory, not a query per row."""

import pytest

from crossline.reference.lookups import (
    find_area,
    find_council,
    find_force,
    find_local_authority,
    locate_postcode,
    locate_postcodes,
    refdata_changed,
)
from crossline.reference.models import Postcode, PostcodeDistrictShare
from crossline.reference.services import refdata_load

pytestmark = pytest.mark.django_db


def test_names_and_codes_cost_no_queries_once_read(django_assert_num_queries):
    find_force("warm up")
    with django_assert_num_queries(0):
        for _ in range(1000):
            find_force("West Yorkshire Police")
            find_local_authority("E07000165")
            find_council("Kent County Council")
            find_area("Leeds")


def test_many_postcodes_cost_one_query_per_batch_of_500(django_assert_num_queries):
    Postcode.objects.create(postcode="LS1 4AP", local_authority_id="E08000035", police_force_id="E23000010")
    distinct = [f"LS{district} {sector}{unit}" for district in range(1, 31) for sector in range(10)
                for unit in ("AB", "DE", "FG", "HJ")][:1199] + ["LS1 4AP"]
    texts = [text.lower().replace(" ", "") for text in distinct] + distinct + ["not a postcode"]
    find_force("warm up")
    with django_assert_num_queries(3):  # 1,200 distinct postcodes
        located = locate_postcodes(texts)
    assert set(located) == set(texts)
    assert located["LS1 4AP"].confidence == located["ls14ap"].confidence == "exact"
    assert located["LS2 1AB"].confidence == "district"
    assert located["not a postcode"].confidence == "invalid"


def test_a_reload_is_seen_at_once():
    assert locate_postcode("LS1 4AP").police_force.code == "E23000010"
    PostcodeDistrictShare.objects.filter(district="LS1").update(police_force_id="E23000009")
    assert locate_postcode("LS1 4AP").police_force.code == "E23000010"  # still the copy in memory
    refdata_changed()
    assert locate_postcode("LS1 4AP").police_force.code == "E23000009"
    refdata_load()  # puts the reference data back and forgets the copy itself
    assert locate_postcode("LS1 4AP").police_force.code == "E23000010"
