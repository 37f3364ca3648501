import pytest

from crossline.reference.lookups import find_area

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "kind", "code", "force"), [
    ("West Yorkshire", "force", "E23000010", "E23000010"),
    ("E23000010", "force", "E23000010", "E23000010"),
    ("BTP", "force", "BTP", "BTP"),
    ("Leeds", "local_authority", "E08000035", "E23000010"),
    ("E08000035", "local_authority", "E08000035", "E23000010"),
    ("E07000165", "local_authority", "E06000065", "E23000009"),
    # Both a force and a council: the force wins.
    ("North Yorkshire", "force", "E23000009", "E23000009"),
    ("Kent", "force", "E23000032", "E23000032"),
    ("City of London", "force", "E23000034", "E23000034"),
    # Named as a council, it is the council.
    ("North Yorkshire Council", "local_authority", "E06000065", "E23000009"),
])
def test_a_force_or_a_local_authority(text, kind, code, force):
    area = find_area(text)
    assert (area.kind, area.code, area.police_force.code) == (kind, code, force)


def test_names_are_the_ones_people_use():
    assert find_area("E23000010").name == "West Yorkshire Police"
    assert find_area("Leeds City Council").name == "Leeds"


@pytest.mark.parametrize("text", ["Yorkshire", "London", "LS1 4AP", "", None])
def test_nothing_else(text):
    assert find_area(text) is None
