"""Facts about every resolved line, read from the stored records of current returns.

A line is a linkage `Entity` of kind "line"; its records are the `Line` rows its members point
to. What is tied to a line comes from the returns' own cross-references (`RecordLink`: a person's
`line_refs`, a place's, a vehicle's, an event's), read within each return and then lifted to the
resolved entities, so a child reported by two forces counts once. Lines that share a person, a
place or a vehicle form a network.

This is the platform's own read for scoring, over every force's records: what reaches a user is
scoped by selectors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from crossline.assessment.scoring import LineFacts, grading_factor
from crossline.linkage.models import Entity, EntityMember
from crossline.returns.models import Event, Line, Location, NationalReturn, Person, RecordLink

CHUNK = 900  # ids per IN clause: SQLite's limit on variables is 999 in old builds
SHEET_KIND = {"people": "person", "locations": "location", "vehicles": "vehicle"}
# Places anyone may pass through: two lines seen at the same station or hotel are not one network.
PUBLIC_PLACES = frozenset({"transport_hub", "hotel"})
STATUS_RANK = {"active": 2, "dormant": 1, "closed": 0}


def _chunks(ids: list, size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


@dataclass
class Evidence:
    """Sets, so that a network's evidence is the union of its lines' and nothing counts twice."""

    children: set = field(default_factory=set)
    looked_after: set = field(default_factory=set)
    vulnerable_adults: set = field(default_factory=set)
    sexual: set = field(default_factory=set)
    cuckooed: set = field(default_factory=set)
    missing: set = field(default_factory=set)
    violent: set = field(default_factory=set)
    weapons: set = field(default_factory=set)
    threats: set = field(default_factory=set)
    people: set = field(default_factory=set)
    drugs: set = field(default_factory=set)
    places: set = field(default_factory=set)
    vehicles: set = field(default_factory=set)
    private_places: set = field(default_factory=set)  # places that tie lines into a network
    importing_areas: set = field(default_factory=set)
    importing_forces: set = field(default_factory=set)
    exporting_forces: set = field(default_factory=set)
    months: set = field(default_factory=set)
    forces: set = field(default_factory=set)
    identities: set = field(default_factory=set)  # (force, line ref): what the line is made of
    latest_period: date | None = None
    latest_status: str = ""
    latest_report: date | None = None
    best_grading: str = ""

    def merge(self, other: Evidence) -> None:
        for name in ("children", "looked_after", "vulnerable_adults", "sexual", "cuckooed", "missing", "violent",
                     "weapons", "threats", "people", "drugs", "places", "vehicles", "private_places", "importing_areas",
                     "importing_forces", "exporting_forces", "months", "forces", "identities"):
            getattr(self, name).update(getattr(other, name))
        self.see_status(other.latest_period, other.latest_status)
        self.see_report(other.latest_report)
        self.see_grading(other.best_grading)

    def see_status(self, period: date | None, status: str) -> None:
        if period is None or not status:
            return
        if (self.latest_period is None or period > self.latest_period
                or (period == self.latest_period and STATUS_RANK.get(status, 0) > STATUS_RANK.get(self.latest_status, 0))):
            self.latest_period, self.latest_status = period, status

    def see_report(self, when: date | None) -> None:
        if when is not None and (self.latest_report is None or when > self.latest_report):
            self.latest_report = when

    def see_grading(self, grading: str) -> None:
        if grading and grading_factor(grading) > grading_factor(self.best_grading):
            self.best_grading = grading

    def touches(self) -> set[str]:
        return self.forces | self.exporting_forces | self.importing_forces

    def facts(self, *, today: date, live_taskings: int = 0, tasked_to: Iterable[str] = (),
              busiest_force_taskings: int = 0) -> LineFacts:
        return LineFacts(
            children=len(self.children), looked_after_children=len(self.looked_after),
            vulnerable_adults=len(self.vulnerable_adults), sexual_exploitation=len(self.sexual),
            cuckooed=len(self.cuckooed), missing_episodes=len(self.missing), violent_events=len(self.violent),
            weapons=frozenset(self.weapons), threats=len(self.threats), people=len(self.people),
            drugs=frozenset(self.drugs), places=len(self.places), importing_areas=len(self.importing_areas),
            importing_forces=len(self.importing_forces - self.exporting_forces), months_reported=len(self.months),
            status=self.latest_status or "active",
            days_since_report=(today - self.latest_report).days if self.latest_report else None,
            best_grading=self.best_grading, forces_reporting=max(len(self.forces), 1),
            live_taskings=live_taskings, tasked_to=tuple(sorted(set(tasked_to))),
            busiest_force_taskings=busiest_force_taskings,
        )


@dataclass
class Picture:
    """Every active line's evidence, and the networks the lines form."""

    lines: dict[int, Evidence]  # line entity -> evidence
    networks: list[list[int]]  # groups of two or more line entities that share something


def _member_index(kind: str, return_ids: set[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """(return, ref) -> (entity, record) for the members of one kind in those returns."""
    index = {}
    members = EntityMember.objects.filter(kind=kind, entity__is_active=True)
    for return_id, ref, entity_id, record_id in members.values_list(
            "national_return_id", "ref", "entity_id", "record_id").iterator(chunk_size=20_000):
        if return_id in return_ids:
            index[(return_id, ref)] = (entity_id, record_id)
    return index


def read_picture(*, today: date, progress=None) -> Picture:
    """Read what every current return says about every active line entity."""
    say = progress or (lambda stage, done, total: None)
    line_members = list(EntityMember.objects.filter(kind="line", entity__is_active=True).values_list(
        "entity_id", "record_id", "national_return_id", "ref", "force_id").iterator(chunk_size=20_000))
    evidence: dict[int, Evidence] = defaultdict(Evidence)
    line_of: dict[tuple[int, str], int] = {}  # (return, line ref) -> line entity
    for entity_id, _record_id, return_id, ref, force_id in line_members:
        line_of[(return_id, ref)] = entity_id
        evidence[entity_id].forces.add(force_id)
        evidence[entity_id].identities.add((force_id, ref))
    return_ids = {return_id for _e, _r, return_id, _ref, _f in line_members}
    periods = dict(NationalReturn.objects.filter(pk__in=return_ids).values_list("pk", "period_end")) \
        if len(return_ids) < CHUNK else dict(NationalReturn.objects.values_list("pk", "period_end"))
    record_line = {record_id: entity_id for entity_id, record_id, *_ in line_members}
    say("Reading lines", 0, len(record_line))
    done = 0
    for chunk in _chunks(list(record_line)):
        for row in Line.objects.filter(pk__in=chunk).values(
                "pk", "national_return_id", "status", "last_reported", "violence", "weapons", "drugs",
                "importing_area_codes", "importing_force_codes", "exporting_force_id", "source_eval",
                "intel_assessment"):
            line = evidence[record_line[row["pk"]]]
            period = periods.get(row["national_return_id"])
            line.see_status(period, row["status"])
            line.see_report(row["last_reported"] or period)
            line.see_grading(f"{row['source_eval']}{row['intel_assessment']}")
            if row["violence"]:
                line.violent.add(("line", row["pk"]))
            line.weapons.update(row["weapons"] or [])
            line.drugs.update(row["drugs"] or [])
            line.importing_areas.update(row["importing_area_codes"] or [])
            line.importing_forces.update(row["importing_force_codes"] or [])
            line.exporting_forces.add(row["exporting_force_id"])
            if period is not None:
                line.months.add((period.year, period.month))
        done += len(chunk)
        say("Reading lines", done, len(record_line))

    # What each return ties to its lines: people, places, vehicles and events.
    say("Reading what is tied to each line", 0, 1)
    tied: dict[str, dict[tuple[int, str], set[int]]] = defaultdict(lambda: defaultdict(set))
    event_people: dict[tuple[int, str], set[str]] = defaultdict(set)  # (return, event ref) -> person refs
    links = RecordLink.objects.filter(national_return__is_current=True).filter(
        to_sheet__in=("lines", "people"), from_sheet__in=("people", "locations", "vehicles", "events"))
    for return_id, from_sheet, from_ref, to_sheet, to_ref in links.values_list(
            "national_return_id", "from_sheet", "from_ref", "to_sheet", "to_ref").iterator(chunk_size=20_000):
        if to_sheet == "lines":
            entity_id = line_of.get((return_id, to_ref))
            if entity_id is not None:
                tied[from_sheet][(return_id, from_ref)].add(entity_id)
        elif from_sheet == "events":
            event_people[(return_id, from_ref)].add(to_ref)

    entity_of = {sheet: _member_index(kind, return_ids) for sheet, kind in SHEET_KIND.items()}
    # People.
    person_lines: dict[int, set[int]] = defaultdict(set)  # person record -> line entities
    person_entity: dict[int, int] = {}
    for key, lines in tied["people"].items():
        found = entity_of["people"].get(key)
        if found:
            person_entity[found[1]] = found[0]
            person_lines[found[1]].update(lines)
    say("Reading people", 0, len(person_lines))
    for chunk in _chunks(list(person_lines)):
        for row in Person.objects.filter(pk__in=chunk).values(
                "pk", "is_child", "vulnerable", "vulnerability_factors", "roles", "looked_after_by_code"):
            person = person_entity[row["pk"]]
            factors = set(row["vulnerability_factors"] or [])
            roles = set(row["roles"] or [])
            is_child = row["is_child"] or "under_18" in factors
            for entity_id in person_lines[row["pk"]]:
                line = evidence[entity_id]
                line.people.add(person)
                if is_child:
                    line.children.add(person)
                    if "looked_after" in factors or row["looked_after_by_code"]:
                        line.looked_after.add(person)
                elif row["vulnerable"]:
                    line.vulnerable_adults.add(person)
                if "sexual_exploitation" in factors:
                    line.sexual.add(person)
                if "cuckooed" in factors or "cuckooed_occupant" in roles:
                    line.cuckooed.add(("person", person))
                if "missing_episodes" in factors:
                    line.missing.add(("person", person))
                if "enforcer" in roles or "debt_bondage" in factors:
                    line.threats.add(person)
    # A child reported by one force as a child and by another without a date of birth is still a
    # child: a person entity that is a child on any line is a child on every line.
    children = set().union(*(line.children for line in evidence.values())) if evidence else set()
    for line in evidence.values():
        moved = line.vulnerable_adults & children
        line.vulnerable_adults -= moved
        line.children |= moved

    # Places and vehicles.
    location_lines: dict[int, set[int]] = defaultdict(set)
    location_entity: dict[int, int] = {}
    for key, lines in tied["locations"].items():
        found = entity_of["locations"].get(key)
        if found:
            location_entity[found[1]] = found[0]
            location_lines[found[1]].update(lines)
    for chunk in _chunks(list(location_lines)):
        for pk, kind in Location.objects.filter(pk__in=chunk).values_list("pk", "type"):
            place = location_entity[pk]
            for entity_id in location_lines[pk]:
                if kind == "cuckooed_address":
                    evidence[entity_id].cuckooed.add(("place", place))
                else:
                    evidence[entity_id].places.add(place)
                if kind not in PUBLIC_PLACES:
                    evidence[entity_id].private_places.add(place)
    for key, lines in tied["vehicles"].items():
        found = entity_of["vehicles"].get(key)
        if found:
            for entity_id in lines:
                evidence[entity_id].vehicles.add(found[0])

    # Events: tied to a line directly, or (missing episodes) to one of its people.
    person_by_ref = {key: person_entity.get(record) for key, (_entity, record) in entity_of["people"].items()}
    person_line_entities: dict[int, set[int]] = defaultdict(set)
    for record, lines in person_lines.items():
        person_line_entities[person_entity[record]].update(lines)
    event_keys = set(tied["events"]) | set(event_people)
    say("Reading events", 0, len(event_keys))
    by_return: dict[int, set[str]] = defaultdict(set)
    for return_id, ref in event_keys:
        by_return[return_id].add(ref)
    for return_id, refs in by_return.items():
        for chunk in _chunks(sorted(refs)):
            for pk, ref, kind, weapon, when, postcode in Event.objects.filter(
                    national_return_id=return_id, ref__in=chunk).values_list("pk", "ref", "type", "weapon", "date",
                                                                             "postcode"):
                direct = tied["events"].get((return_id, ref), set())
                people_here = {person_by_ref.get((return_id, person_ref))
                               for person_ref in event_people.get((return_id, ref), ())} - {None}
                lines = set(direct)
                if kind == "missing_episode":
                    for person in people_here:
                        lines |= person_line_entities.get(person, set())
                for entity_id in lines:
                    line = evidence[entity_id]
                    # Forces reporting the same incident count it once: a missing episode is one
                    # person on one day, violence one day in one postcode.
                    if kind == "violence":
                        line.violent.add(("event", when, postcode) if postcode else ("event", pk))
                    elif kind == "missing_episode":
                        line.missing.update({("episode", person, when) for person in people_here}
                                            or {("episode", pk)})
                    if weapon:
                        line.weapons.add(weapon)
                    if entity_id in direct:
                        line.see_report(when)
    # A person's missing episodes counted one by one replace "has missing episodes" for them.
    for line in evidence.values():
        with_episodes = {key[1] for key in line.missing if key[0] == "episode" and len(key) == 3}
        line.missing -= {("person", person) for person in with_episodes}
    say("Finding networks", 0, 1)
    active = set(Entity.objects.filter(kind="line", is_active=True).values_list("pk", flat=True))
    lines = {pk: line for pk, line in evidence.items() if pk in active}
    return Picture(lines=lines, networks=networks_of(lines))


def networks_of(lines: dict[int, Evidence]) -> list[list[int]]:
    """Groups of lines that share a person, a place (not a public one) or a vehicle (union-find),
    largest first."""
    parent = {pk: pk for pk in lines}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    first_line: dict[tuple[str, int], int] = {}
    for pk in sorted(lines):
        line = lines[pk]
        shared = [("person", person) for person in line.people] \
            + [("place", place) for place in line.private_places] + [("vehicle", v) for v in line.vehicles]
        for key in shared:
            other = first_line.setdefault(key, pk)
            if other != pk:
                left, right = root(other), root(pk)
                if left != right:
                    parent[max(left, right)] = min(left, right)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk in lines:
        groups[root(pk)].append(pk)
    return sorted((sorted(group) for group in groups.values() if len(group) > 1), key=lambda group: (-len(group), group[0]))


def network_evidence(picture: Picture, group: list[int]) -> Evidence:
    merged = Evidence()
    for pk in group:
        merged.merge(picture.lines[pk])
    return merged
