import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossline.reference.lookups import find_force

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "code"), [
    ("E23000010", "E23000010"), ("e23000010", "E23000010"), (" E23000010 ", "E23000010"),
    ("West Yorkshire", "E23000010"), ("West Yorkshire Police", "E23000010"), ("west  yorkshire police.", "E23000010"),
    ("BTP", "BTP"), ("btp", "BTP"), ("British Transport Police", "BTP"),
    ("Met", "E23000001"), ("MPS", "E23000001"), ("the Met", "E23000001"), ("Met Police", "E23000001"),
    ("Metropolitan Police", "E23000001"), ("Metropolitan Police Service", "E23000001"),
    ("City of London Police", "E23000034"), ("London, City of", "E23000034"), ("City of London", "E23000034"),
    ("Avon & Somerset", "E23000036"), ("Avon and Somerset Constabulary", "E23000036"),
    ("Devon and Cornwall Police", "E23000035"), ("Devon & Cornwall", "E23000035"),
    ("Dyfed Powys", "W15000004"), ("Dyfed-Powys Police", "W15000004"), ("W15000002", "W15000002"), ("Gwent", "W15000002"),
    ("Lancashire Constabulary", "E23000003"), ("Lancashire Police", "E23000003"),
    ("Hampshire Constabulary", "E23000030"), ("Hampshire and Isle of Wight Constabulary", "E23000030"),
    ("North Yorkshire", "E23000009"), ("Greater Manchester Police", "E23000005"),
])
def test_finds_the_force(text, code):
    assert find_force(text).code == code


@pytest.mark.parametrize("text", [
    "London",  # the capital, not the City of London
    "Yorkshire", "West Yorks", "Police", "Constabulary", "Police Scotland", "S23000009", "E23000099",
    "Kent County Council", "Leeds", "", "   ", None,
])
def test_no_guessing(text):
    assert find_force(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_never_raises(text):
    find_force(text)
