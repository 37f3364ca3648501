import pytest

from crossline.reference.lookups import find_local_authority

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "code"), [
    ("E08000035", "E08000035"), ("e08000035", "E08000035"),
    ("Leeds", "E08000035"), ("leeds", "E08000035"), ("Leeds City Council", "E08000035"),
    ("Bradford", "E08000032"), ("City of Bradford", "E08000032"),
    ("City of Bradford Metropolitan District Council", "E08000032"),
    ("Kingston upon Hull", "E06000010"), ("Kingston upon Hull, City of", "E06000010"), ("Hull", "E06000010"),
    ("Hull City Council", "E06000010"),
    ("North Yorkshire", "E06000065"), ("North Yorkshire Council", "E06000065"),
    ("Wigan Metropolitan Borough Council", "E08000010"), ("Pendle Borough Council", "E07000122"),
    ("Ryedale District Council", "E06000065"),  # merged into North Yorkshire in 2023
    ("City of York Council", "E06000014"), ("Westminster City Council", "E09000033"),
    ("London Borough of Hackney", "E09000012"), ("Royal Borough of Kingston upon Thames", "E09000021"),
    ("Rhondda Cynon Taf County Borough Council", "W06000016"), ("City and County of Swansea", "W06000011"),
    ("St Helens", "E08000013"), ("St. Helens Council", "E08000013"),
    ("City of London", "E09000001"), ("County Durham", "E06000047"), ("Durham County Council", "E06000047"),
    ("Bristol", "E06000023"), ("City of Bristol", "E06000023"),
])
def test_finds_the_local_authority(text, code):
    assert find_local_authority(text).gss_code == code


@pytest.mark.parametrize(("old_code", "current_code"), [
    ("E07000165", "E06000065"),  # Harrogate -> North Yorkshire (2023)
    ("E08000019", "E08000039"),  # Sheffield's pre-2024 code
    ("E07000004", "E06000060"),  # Aylesbury Vale -> Buckinghamshire (2020)
    ("E07000028", "E06000063"),  # Carlisle -> Cumberland (2023)
])
def test_an_old_code_gives_the_current_authority(old_code, current_code):
    assert find_local_authority(old_code).gss_code == current_code


@pytest.mark.parametrize("text", [
    "Kent County Council", "Kent", "Lancashire",  # upper-tier counties are not districts: find_council
    "London", "Newcastle",  # upon Tyne or under Lyme: no guessing
    "Leeds Council Services", "E10000016", "E23000010", "", None,
])
def test_not_a_local_authority_district(text):
    assert find_local_authority(text) is None


def test_an_authority_knows_its_force_without_a_query(django_assert_num_queries):
    find_local_authority("Leeds")
    with django_assert_num_queries(0):
        assert find_local_authority("Leeds").police_force.force_name == "West Yorkshire Police"
