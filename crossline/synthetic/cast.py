"""A gang in full: its people, places, vehicles and events, and which force knows of each in which
months. Drawn from the gang's own seed, so the same gang comes out the same every time it is
asked for, and a force's returns can be written one gang at a time.

Months are counted from the first month of the window; `known` masks have bit m set when the
force reports the entity in month m's return.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from crossline.synthetic.identifiers import mobile_number, postcode, uprn, vrm
from crossline.synthetic.refdata import BTP
from crossline.synthetic.world import ROLE_CODES, Gang, Line, World

COMMON_NAMES = {"male": (("John", "Smith"), ("David", "Jones"), ("James", "Williams"), ("Daniel", "Brown")),
                "female": (("Sarah", "Jones"), ("Emma", "Smith"))}
STREET_NAMES = ("Little J", "Smurf", "Tiny", "Ghost", "Shorty", "Dex", "Skeng", "Trigger", "Snoopy", "Kid",
                "Youngin", "Lil Man", "Slim", "Bigz", "Ratty", "Mouse", "Sparks", "Spider", "Tank", "Nino",
                "Chopper", "Stitch", "Flash", "Blade", "Cuz", "Mad Max", "Junior", "Fresh", "Scrappy", "Bones")
CARS = (("Ford", "Fiesta"), ("Vauxhall", "Corsa"), ("Volkswagen", "Golf"), ("BMW", "1 Series"),
        ("Mercedes-Benz", "A-Class"), ("Audi", "A3"), ("Toyota", "Yaris"), ("Nissan", "Qashqai"),
        ("Peugeot", "208"), ("Kia", "Sportage"), ("Seat", "Leon"), ("Mini", "Hatch"), ("Toyota", "Prius"))
COLOURS = ("Black", "White", "Grey", "Silver", "Blue", "Red")
AGES = {"H": (19, 34), "C": (18, 30), "K": (16, 25), "E": (18, 30), "U": (22, 60), "O": (28, 72)}
MALE_SHARE = {"H": 0.95, "C": 0.9, "K": 0.8, "E": 0.95, "R": 0.85, "U": 0.6, "O": 0.55}
PNC_SHARE = {"H": 0.9, "C": 0.8, "K": 0.6, "E": 0.9, "R": 0.5, "U": 0.5, "O": 0.2}


@dataclass
class Person:
    serial: int
    code: str  # ROLE_CODES letter
    gender: str
    forename: str
    middle: str
    surname: str
    aliases: tuple[str, ...]
    dob: date
    pnc: tuple[int, int] | None
    phones: tuple[str, ...]
    address: str
    postcode: str
    council: str
    lines: tuple[int, ...]
    factors: tuple[str, ...]  # lasting factors; under_18 comes from the age on each return's date
    looked_after_by: str | None = None
    nrm: tuple[int, str, int | None, str | None] | None = None  # month referred, status, outcome month, outcome
    active: int = 0  # months involved (mask)
    known: dict[str, int] = field(default_factory=dict)

    @property
    def entity_id(self) -> str:
        return f"person-{self.serial:09d}"

    @property
    def roles(self) -> tuple[str, ...]:
        return (ROLE_CODES[self.code],)


@dataclass
class Place:
    serial: int
    key: str  # entity id suffix
    type: str
    address: str
    postcode: str
    uprn: str | None
    council: str
    lines: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    known: dict[str, int] = field(default_factory=dict)

    @property
    def entity_id(self) -> str:
        return f"location-{self.key}"


@dataclass
class Vehicle:
    serial: int
    vrm: str
    make: str
    model: str
    colour: str
    lines: tuple[int, ...]
    people: tuple[int, ...]
    known: dict[str, int] = field(default_factory=dict)

    @property
    def entity_id(self) -> str:
        return f"vehicle-{self.serial:09d}"


@dataclass
class Event:
    serial: int
    month: int
    date: date
    type: str
    postcode: str | None
    place: int | None
    lines: tuple[int, ...]
    people: tuple[int, ...]
    reporters: tuple[str, ...]
    drug: str | None = None
    grams: float | None = None
    cash: int | None = None
    weapon: str | None = None
    description: str = ""

    @property
    def entity_id(self) -> str:
        return f"event-{self.serial:010d}"


@dataclass
class GangDetail:
    gang: Gang
    lines: dict[int, Line]
    people: dict[int, Person]
    places: dict[int, Place]
    vehicles: list[Vehicle]
    events: list[Event]
    line_known: dict[int, dict[str, int]]


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def span(start: int, stop: int, months: int) -> int:
    """Mask of months start..stop-1, clipped to the window."""
    start, stop = max(start, 0), min(stop, months)
    return ((1 << stop) - 1) ^ ((1 << start) - 1) if stop > start else 0


def alive_mask(line: Line, months: int) -> int:
    return sum(1 << m for m in range(months) if line.status(m) is not None)


def sub_span(rng: random.Random, mask: int, *, min_length: int = 1) -> int:
    """A contiguous stretch of `mask` (which is itself contiguous)."""
    months = [m for m in range(mask.bit_length()) if mask >> m & 1]
    if not months:
        return 0
    first = rng.choice(months[: max(1, len(months) - min_length + 1)])
    last = rng.randint(min(first + min_length - 1, months[-1]), months[-1])
    return span(first, last + 1, months[-1] + 1) & mask


def _learn(known: dict[str, int], force: str, mask: int) -> None:
    if mask:
        known[force] = known.get(force, 0) | mask


def station_key(council: str) -> str:
    return f"station-{council}"


def station(world: World, council: str) -> Place:
    """A council's main railway station: one place, whichever gang's runners pass through it."""
    geo = world.geo
    rng = random.Random(f"{world.seed}/station/{council}")  # noqa: S311 - synthetic data
    district = geo.districts_by_council[council][0][0]
    name = geo.councils[council].town
    index = sorted(geo.councils).index(council)
    return Place(1_900_000_000 + index, station_key(council), "transport_hub", f"{name} railway station",
                 postcode(rng, district), None, council)


class _Drawer:
    def __init__(self, world: World, gang: Gang):
        self.world, self.gang, self.geo = world, gang, world.geo
        self.rng = random.Random(f"{world.seed}/gang/{gang.index}")  # noqa: S311 - synthetic data
        self.months = world.months
        self.window_end = world.periods[-1].end
        self.lines = {index: world.lines[index] for index in gang.lines}
        self.alive = {index: alive_mask(line, self.months) for index, line in self.lines.items()}
        self.next_phone = gang.phone_base

    def address(self, council: str) -> tuple[str, str]:
        rng, pools = self.rng, self.world.pools
        districts = self.geo.districts_by_council[council]
        district = rng.choices([d for d, _ in districts], weights=[c for _, c in districts])[0]
        street = f"{rng.randint(1, 180)} {rng.choice(pools['street'])}"
        if rng.random() < 0.3:
            street = f"Flat {rng.randint(1, 24)}, {street}"
        return f"{street}, {self.geo.councils[council].town}", postcode(rng, district)

    def person(self, serial: int, k: int, code: str, lines: tuple[int, ...], council: str) -> Person:
        rng, pools = self.rng, self.world.pools
        gender = "male" if rng.random() < MALE_SHARE[code] else "female"
        if code == "R":
            low, high = (14, 17) if rng.random() < 0.7 else (18, 24)
        else:
            low, high = AGES[code]
        age = rng.randint(low, high)
        dob = self.window_end - timedelta(days=365 * age + age // 4 + rng.randrange(365))
        forename, surname = rng.choice(pools[gender]), rng.choice(pools["surname"])
        if rng.random() < 0.03:
            forename, surname = rng.choice(COMMON_NAMES[gender])
        middle = rng.choice(pools[gender]) if rng.random() < 0.4 else ""
        aliases: tuple[str, ...] = ()
        if rng.random() < (0.6 if code in "HCKER" else 0.15):
            aliases = (rng.choice(STREET_NAMES),) if rng.random() < 0.7 else (f"Little {forename[0]}",)
        pnc = None
        if rng.random() < PNC_SHARE[code]:
            pnc = (min(dob.year + rng.randint(13, max(13, age)), self.window_end.year), rng.randint(1, 999_999))
        phones = tuple(mobile_number(self.next_phone + i) for i in range(self.gang.phone_counts[k]))
        self.next_phone += len(phones)
        address, code_postcode = self.address(council)
        child = age < 18
        factors = self.factors(code, child, gender)
        looked_after_by = self.gang.hub_council if "looked_after" in factors else None
        return Person(serial, code, gender, forename, middle, surname, aliases, dob, pnc, phones, address,
                      code_postcode, council, lines, factors, looked_after_by)

    def factors(self, code: str, child: bool, gender: str) -> tuple[str, ...]:
        rng = self.rng
        draws: dict[str, float] = {}
        if code == "R" or (code == "K" and child):
            draws = ({"missing_episodes": 0.6, "excluded_from_school": 0.35, "looked_after": 0.25, "send": 0.15,
                      "debt_bondage": 0.15, "mental_health": 0.1,
                      "sexual_exploitation": 0.1 if gender == "female" else 0.03} if child else
                     {"care_leaver": 0.25, "debt_bondage": 0.3, "homeless": 0.2, "substance_dependency": 0.3,
                      "mental_health": 0.15})
        elif code == "U":
            draws = {"substance_dependency": 0.5, "homeless": 0.15, "mental_health": 0.15}
        elif code == "O":
            factors = ["cuckooed"] + rng.sample(["substance_dependency", "mental_health", "learning_disability"],
                                                rng.randint(1, 2))
            return tuple(factors)
        return tuple(name for name, share in draws.items() if rng.random() < share)


def gang_detail(world: World, gang: Gang) -> GangDetail:
    d = _Drawer(world, gang)
    rng = d.rng
    line_ids = list(gang.lines)
    people: dict[int, Person] = {}
    areas = [(line, force, council) for line in line_ids for force, council in d.lines[line].importing]
    for k, code in enumerate(gang.roles):
        serial = gang.index * 1000 + k
        if code in "HK":
            lines = tuple(line_ids)
        elif code in "CE":
            lines = tuple(sorted(rng.sample(line_ids, min(len(line_ids), rng.randint(1, 2)))))
        elif code == "R":
            lines = tuple(sorted(rng.sample(line_ids, 2))) if len(line_ids) > 1 and rng.random() < 0.1 else (
                rng.choice(line_ids),)
        else:
            line, _force, council = rng.choice(areas)
            lines = (line,)
        home = council if code in "UO" else gang.hub_council
        person = d.person(serial, k, code, lines, home)
        if code == "R" and person.looked_after_by and rng.random() < 0.2:  # placed out of area
            _line, _force, placed = rng.choice([a for a in areas if a[0] in lines] or areas)
            person.address, person.postcode = d.address(placed)
            person.council = placed
        union = 0
        for line in lines:
            union |= d.alive[line]
        person.active = union if code in "HKC" else sub_span(rng, union, min_length=2)
        people[serial] = person
    _knowledge(d, people, areas)
    places = _places(d, people, areas)
    vehicles = _vehicles(d, people)
    events = _events(d, people, places, areas)
    line_known = {}
    for line_id, line in d.lines.items():
        known: dict[str, int] = {}
        if rng.random() < 0.9:
            _learn(known, line.exporting_force, d.alive[line_id])
        for force, _council in line.importing:
            late = d.alive[line_id] & (d.alive[line_id] - 1)  # heard of a month after it started
            _learn(known, force, late if late and rng.random() < 0.4 else d.alive[line_id])
        if line.uses_rail and rng.random() < 0.6:
            _learn(known, BTP, sub_span(rng, d.alive[line_id]))
        line_known[line_id] = known
    for event in events:
        for force in event.reporters:
            for line_id in event.lines:
                _learn(line_known[line_id], force, 1 << event.month)
    return GangDetail(gang, d.lines, people, places, vehicles, events, line_known)


def _knowledge(d: _Drawer, people: dict[int, Person], areas) -> None:
    rng, hub = d.rng, d.gang.hub
    importing_share = {"H": 0.35, "C": 0.3, "E": 0.5, "K": 0.2, "R": 0.8}
    for person in people.values():
        code, active = person.code, person.active
        line_forces = [force for line in person.lines for force, _c in d.lines[line].importing]
        if code in "HCKE":
            _learn(person.known, hub, active if rng.random() < (0.95 if code == "H" else 0.8) else 0)
        if code in importing_share:
            for force in dict.fromkeys(line_forces):
                if rng.random() < importing_share[code]:
                    _learn(person.known, force, sub_span(rng, active))
        if code == "R":
            if rng.random() < (0.85 if age_on(person.dob, d.window_end) < 18 else 0.5):
                _learn(person.known, hub, sub_span(rng, active))
            if any(d.lines[line].uses_rail for line in person.lines) and rng.random() < 0.3:
                _learn(person.known, BTP, sub_span(rng, active))
        if code in "UO":
            force = d.geo.councils[person.council].force
            _learn(person.known, force, active)
            if code == "O" and rng.random() < 0.05:
                _learn(person.known, hub, active)
        if not person.known:
            _learn(person.known, line_forces[0] if code == "R" else hub, active)


def _places(d: _Drawer, people: dict[int, Person], areas) -> dict[int, Place]:
    rng, gang = d.rng, d.gang
    places: dict[int, Place] = {}

    def add(kind: str, council: str, line_ids, persons, force: str, mask: int, address=None) -> Place:
        serial = gang.index * 1000 + len(places)
        address, code = address or d.address(council)
        if kind == "deal_site":
            address = rng.choice(("Car park, ", "Alleyway behind ", "Park, ", "Bus shelter, ")) + address
        elif kind == "hotel":
            address = f"{rng.choice(d.world.pools['street'])} Hotel, {address.split(', ', 1)[-1]}"
        place = Place(serial, f"{serial:09d}", kind, address, code,
                      uprn(rng) if kind in ("cuckooed_address", "trap_house", "stash") and rng.random() < 0.5
                      else None, council, set(line_ids), set(persons))
        _learn(place.known, force, mask)
        places[serial] = place
        return place

    for line_id, force, council in areas:
        mask = sub_span(rng, d.alive[line_id], min_length=2)
        runners = [p.serial for p in people.values() if p.code == "R" and line_id in p.lines]
        occupants = [p for p in people.values() if p.code == "O" and line_id in p.lines and p.council == council]
        for occupant in occupants:
            place = add("cuckooed_address", council, [line_id], [occupant.serial] + rng.sample(
                runners, min(len(runners), rng.randint(0, 2))), force, occupant.active or mask,
                address=(occupant.address, occupant.postcode))
            if rng.random() < 0.1:
                _learn(place.known, gang.hub, occupant.active)
        for kind, share in (("trap_house", 0.4), ("deal_site", 0.9), ("deal_site", 0.4), ("hotel", 0.25)):
            if rng.random() < share:
                add(kind, council, [line_id], rng.sample(runners, min(len(runners), rng.randint(0, 2))), force,
                    sub_span(rng, mask) or mask)
    if rng.random() < 0.5:
        holders = [p.serial for p in people.values() if p.code in "HE"]
        add("stash", gang.hub_council, gang.lines, holders[:2], gang.hub, span(0, d.months, d.months))
    for line_id, line in d.lines.items():
        if not line.uses_rail:
            continue
        runners = [p.serial for p in people.values() if p.code == "R" and line_id in p.lines]
        for force, council in ((BTP, line.importing[0][1]), (BTP, gang.hub_council), line.importing[0]):
            hub = station(d.world, council)
            place = places.setdefault(hub.serial, hub)
            place.lines.add(line_id)
            place.people.update(runners[:2])
            _learn(place.known, force, sub_span(rng, d.alive[line_id]))
    return places


def _vehicles(d: _Drawer, people: dict[int, Person]) -> list[Vehicle]:
    rng, gang = d.rng, d.gang
    drivers = [p.serial for p in people.values() if p.code in "HEC"] or list(people)[:1]
    vehicles = []
    for k in range(rng.randint(1, 3)):
        make, model = rng.choice(CARS)
        vehicle = Vehicle(gang.index * 100 + k, vrm(rng, registered_year=rng.randint(2008, d.window_end.year - 1)),
                          make, model, rng.choice(COLOURS), tuple(gang.lines),
                          tuple(rng.sample(drivers, min(len(drivers), rng.randint(1, 2)))))
        if rng.random() < 0.7:
            _learn(vehicle.known, gang.hub, span(0, d.months, d.months))
        for line_id in gang.lines:
            for force, _council in d.lines[line_id].importing:
                if rng.random() < 0.5:
                    _learn(vehicle.known, force, sub_span(rng, d.alive[line_id]))
        if not vehicle.known:
            _learn(vehicle.known, gang.hub, span(0, d.months, d.months))
        vehicles.append(vehicle)
    return vehicles


EVENT_WEIGHTS = {"drug_seizure": 20, "arrest": 20, "cash_seizure": 8, "weapon_seizure": 6, "violence": 8,
                 "cuckooing_report": 8, "missing_episode": 14, "nrm_referral": 6, "safeguarding_referral": 10}
GRAMS = {"crack_cocaine": (2, 60), "heroin": (2, 60), "cocaine": (5, 250), "cannabis": (20, 2000),
         "ketamine": (5, 100), "mdma": (5, 100), "spice": (5, 200)}


def _events(d: _Drawer, people: dict[int, Person], places: dict[int, Place], areas) -> list[Event]:
    rng, world, gang = d.rng, d.world, d.gang
    events: list[Event] = []

    def add(month, kind, force_or_forces, council, *, place=None, lines=(), persons=(), **details):
        period = world.periods[month]
        day = period.start + timedelta(days=rng.randrange((period.end - period.start).days + 1))
        reporters = (force_or_forces,) if isinstance(force_or_forces, str) else tuple(force_or_forces)
        where = place.postcode if place else d.address(council)[1]
        event = Event(gang.index * 10_000 + len(events), month, day, kind, where, place.serial if place else None,
                      tuple(lines), tuple(persons), reporters, **details)
        for force in reporters:
            for serial in persons:
                _learn(people[serial].known, force, 1 << month)
            if place:
                _learn(place.known, force, 1 << month)
        events.append(event)
        return event

    for month in range(d.months):
        for line_id, force, council in areas:
            line = d.lines[line_id]
            status = line.status(month)
            if status is None:
                continue
            count = rng.choices((0, 1, 2, 3), weights=(30, 40, 20, 10) if status == "active" else (75, 25, 0, 0))[0]
            crew = [p for p in people.values() if line_id in p.lines and p.code in "RE" and p.active >> month & 1]
            children = [p for p in crew if p.code == "R" and age_on(p.dob, world.periods[month].end) < 18]
            local = [pl for pl in places.values() if line_id in pl.lines and pl.council == council]
            cuckooed = [pl for pl in local if pl.type == "cuckooed_address"]
            for _ in range(count):
                kind = rng.choices(list(EVENT_WEIGHTS), weights=list(EVENT_WEIGHTS.values()))[0]
                place = rng.choice(local) if local and rng.random() < 0.6 else None
                who = [p.serial for p in rng.sample(crew, min(len(crew), rng.randint(1, 2)))]
                if kind in ("missing_episode", "nrm_referral") and not children:
                    kind = "safeguarding_referral"
                if kind == "cuckooing_report" and not cuckooed:
                    kind = "arrest"
                if kind == "drug_seizure":
                    drug = rng.choice(line.drugs)
                    low, high = GRAMS[drug]
                    add(month, kind, force, council, place=place, lines=[line_id], persons=who, drug=drug,
                        grams=round(rng.uniform(low, high), 1), description=f"{drug.replace('_', ' ')} wraps seized")
                elif kind == "cash_seizure":
                    add(month, kind, force, council, place=place, lines=[line_id], persons=who,
                        cash=rng.randrange(150, 9000, 10), description="cash seized on stop and search")
                elif kind in ("weapon_seizure", "violence"):
                    weapon = rng.choice(line.weapons or ("knife",))
                    add(month, kind, force, council, place=place, lines=[line_id], persons=who, weapon=weapon,
                        description="dispute over debt" if kind == "violence" else f"{weapon} recovered")
                elif kind == "arrest":
                    add(month, kind, force, council, place=place, lines=[line_id], persons=who,
                        description="arrested on suspicion of possession with intent to supply")
                elif kind == "cuckooing_report":
                    home = rng.choice(cuckooed)
                    add(month, kind, force, council, place=home, lines=[line_id], persons=sorted(home.people)[:2],
                        description="neighbours report visitors at all hours")
                elif kind == "missing_episode":
                    child = rng.choice(children)
                    reporters = [gang.hub] + ([force] if rng.random() < 0.4 else [])
                    if line.uses_rail and rng.random() < 0.15:
                        reporters.append(BTP)
                    add(month, kind, reporters, council, place=place, lines=[line_id], persons=[child.serial],
                        description="reported missing from home; found in the importing area")
                elif kind == "nrm_referral":
                    child = rng.choice(children)
                    if child.nrm is None:
                        outcome_month = month + rng.randint(1, 3)
                        child.nrm = (month, "referred", outcome_month,
                                     rng.choice(("positive_rg", "positive_rg", "negative_rg")))
                    add(month, kind, force, council, lines=[line_id], persons=[child.serial],
                        description="referred to the National Referral Mechanism")
                else:
                    subject = rng.choice(crew or list(people.values()))
                    add(month, kind, force if rng.random() < 0.6 else gang.hub, council, lines=[line_id],
                        persons=[subject.serial], description="referred to children's or adult social care")
            if line.closed_at == month and line.closure_type == "type1" and (force, council) == line.importing[0]:
                holders = [p.serial for p in people.values() if p.code == "H" and line_id in p.lines]
                add(month, "charge", [gang.hub, *(f for f, _c in line.importing)], council, lines=[line_id],
                    persons=holders, description="line holder charged with conspiracy to supply")
    return events
