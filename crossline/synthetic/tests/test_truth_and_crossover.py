"""truth.csv names the true entity behind every record submitted, and the same lines, people and
places really are reported by more than one force, differently."""

import csv
import re
from collections import defaultdict

from crossline.synthetic.cast import gang_detail
from crossline.synthetic.tests.conftest import records, return_files

ENTITY_ID = re.compile(r"(line-\d{6}|person-\d{9}|location-(\d{9}|station-[EW]\d{8})|vehicle-\d{9}|event-\d{10})")
REF_COLUMNS = {"lines": "line_ref", "people": "person_ref", "locations": "location_ref",
               "vehicles": "vehicle_ref", "events": "event_ref"}


def _truth(folder):
    with (folder / "truth.csv").open(newline="") as file:
        return list(csv.DictReader(file))


def _submitted(folder):
    """{(force, sheet, ref): cells} for every record in every return."""
    found = {}
    for path in return_files(folder):
        force = path.name.split("_")[0]
        for sheet, cells in records(path):
            found[(force, sheet, str(cells[REF_COLUMNS[sheet]]))] = cells
    return found


def test_truth_has_one_row_for_every_record_submitted_and_no_others(tiny_returns):
    truth = _truth(tiny_returns)
    keys = [(row["force_code"], row["sheet"], row["ref"]) for row in truth]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(_submitted(tiny_returns))
    assert all(ENTITY_ID.fullmatch(row["entity_id"]) for row in truth)


def test_lines_people_and_places_are_each_reported_by_several_forces(tiny_returns):
    forces = defaultdict(set)
    for row in _truth(tiny_returns):
        forces[(row["sheet"], row["entity_id"])].add(row["force_code"])
    crossover = {sheet: sum(1 for (s, _e), f in forces.items() if s == sheet and len(f) > 1)
                 for sheet in ("lines", "people", "locations", "vehicles")}
    assert all(count >= 2 for count in crossover.values()), crossover


def test_a_line_is_reported_by_the_force_it_comes_from_and_a_force_it_supplies(tiny_returns):
    reported = defaultdict(set)
    for row in _truth(tiny_returns):
        if row["sheet"] == "lines":
            reported[row["entity_id"]].add(row["force_code"])
    with (tiny_returns / "truth_lines_crossover.csv").open(newline="") as file:
        pairs = [(row["line_id"], row["exporting_force"], row["importing_force"]) for row in csv.DictReader(file)]
    both = [p for p in pairs if {p[1], p[2]} <= reported[p[0]]]
    assert len(both) >= 3
    assert all(exporting != importing for _line, exporting, importing in pairs)


def test_one_person_comes_out_differently_from_different_forces(tiny_returns):
    submitted = _submitted(tiny_returns)
    versions = defaultdict(set)
    for row in _truth(tiny_returns):
        if row["sheet"] == "people":
            cells = submitted[(row["force_code"], "people", row["ref"])]
            versions[row["entity_id"]].add((cells.get("surname"), cells.get("forenames"),
                                            str(cells.get("date_of_birth")), cells.get("postcode")))
    assert sum(1 for seen in versions.values() if len(seen) > 1) >= 5


def test_two_people_with_the_same_common_name_are_different_people(tiny_world):
    by_name = defaultdict(list)
    for gang in tiny_world.gangs:
        for person in gang_detail(tiny_world, gang).people.values():
            by_name[(person.forename, person.surname)].append(person)
    namesakes = [people for people in by_name.values() if len(people) > 1]
    assert namesakes
    for people in namesakes:
        assert len({p.entity_id for p in people}) == len(people)
        assert len({p.dob for p in people}) == len(people)
