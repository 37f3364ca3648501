"""The skeleton of a synthetic national picture: gangs, their lines and deal numbers over time,
and which force submits which monthly return when.

Only the skeleton is held in memory. Each gang's people, places, vehicles and events are drawn
again on demand from the gang's own seed (crossline.synthetic.cast), so a world of a million
people costs no more memory than a few hundred gangs' worth of plans.
"""

import calendar
import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker

from crossline.compliance.workdays import LONDON, add_working_days
from crossline.synthetic.identifiers import DRAMA_MOBILES, mobile_number
from crossline.synthetic.refdata import BTP, Geography, geography

# Exporting hubs (ONS police force area codes from police_force_areas_ew.csv), how many of the
# country's gangs each runs, and where their lines go: neighbours and distant forces alike.
HUBS = {
    "E23000001": (30, {  # Metropolitan Police
        "E23000029": 5, "E23000032": 5, "E23000028": 5, "E23000024": 3, "E23000025": 3, "E23000027": 3,
        "E23000033": 3, "E23000031": 2, "E23000030": 3, "E23000026": 2, "E23000023": 2, "E23000039": 1,
        "E23000035": 1, "E23000038": 1, "E23000020": 1, "E23000034": 1}),
    "E23000014": (18, {  # West Midlands
        "E23000015": 5, "E23000016": 5, "E23000017": 4, "E23000037": 3, "E23000018": 2, "E23000021": 2,
        "E23000022": 2, "E23000020": 1, "W15000004": 2, "E23000038": 1}),
    "E23000004": (15, {  # Merseyside
        "E23000002": 4, "W15000001": 5, "E23000006": 3, "E23000003": 3, "E23000035": 2, "W15000004": 3,
        "E23000016": 2}),
    "E23000005": (10, {  # Greater Manchester
        "E23000002": 3, "E23000003": 4, "E23000006": 3, "E23000018": 2, "E23000009": 2, "W15000001": 2,
        "E23000016": 1}),
    "E23000010": (8, {  # West Yorkshire
        "E23000009": 5, "E23000012": 4, "E23000020": 2, "E23000008": 2, "E23000013": 2, "E23000018": 1}),
    "E23000011": (4, {"E23000020": 3, "E23000018": 2, "E23000019": 2, "E23000012": 2}),  # South Yorkshire
    "E23000019": (4, {"E23000020": 3, "E23000018": 2, "E23000021": 2, "E23000022": 1}),  # Nottinghamshire
    "E23000036": (4, {"E23000035": 4, "E23000038": 2, "E23000039": 2, "E23000037": 2, "W15000002": 1}),  # Avon
    "E23000007": (3, {"E23000008": 3, "E23000002": 2, "E23000013": 2}),  # Northumbria
    "W15000003": (4, {"W15000004": 4, "W15000002": 3, "E23000037": 1}),  # South Wales
}
BRANDS = (
    "JAY", "Bando", "Dee", "Ricky", "K", "Tony", "Smokey", "Ace", "Benz", "Cash", "Drizzy", "Esco", "Flex",
    "Gucci", "Hench", "Juice", "Kash", "Lucky", "Milly", "Nike", "Oz", "Pepsi", "Rico", "Snoop", "Taz",
    "Vinny", "Zed", "Bugsy", "Chase", "Deano", "Eddie", "Frosty", "Gold", "Harry", "Jigga", "Kenzo",
    "Lemon", "Money", "Nitro", "Obi", "Polo", "Rambo", "Scooby", "Tinks", "Vegas", "Wiz", "Zoro", "Bobby",
    "Dolla", "Mo", "Stones", "Skinny", "Benji", "Dezzy", "Krypto", "Sonny", "Turbo", "Blue", "Jimmy", "Ronnie",
)
# Role letters for a gang's people, in the order they are drawn.
ROLE_CODES = {"H": "line_holder", "C": "controller", "K": "recruiter", "E": "enforcer", "R": "runner",
              "U": "user", "O": "cuckooed_occupant"}
PHONES_BY_ROLE = {"H": (1, 2, 2, 3), "C": (1, 1, 2), "K": (0, 1, 1), "E": (0, 1), "R": (0, 1, 1),
                  "U": (0, 0, 1), "O": (0, 0, 1)}
STREET_SUFFIXES = ("Road", "Road", "Street", "Street", "Avenue", "Lane", "Close", "Drive", "Crescent", "Grove",
                   "Way", "Gardens", "Terrace", "Place", "Court", "Walk", "Row", "Mews", "View", "Green")
HISTORY_MONTHS = 12  # how far before the window a line may have started
# A month's return is due by the end (London time) of the 10th working day after the month ends:
# the national default schedule, reckoned by the compliance calendar, so that the demo's late and
# on-time returns are the ones the compliance pages call late and on time.
DUE_WORKING_DAYS = 10
LATEST_WORKING_DAYS_LATE = 18


@dataclass(frozen=True)
class Period:
    index: int
    start: date
    end: date


@dataclass(frozen=True)
class Tenure:
    """A deal number in use by one line from month `start` to month `end` (exclusive), counted
    from the first month of the window (negative: before it)."""

    number: str
    start: int
    end: int


@dataclass
class Line:
    index: int
    gang: int
    brand: str
    exporting_force: str
    exporting_council: str
    importing: tuple[tuple[str, str], ...]  # (force, council) pairs
    drugs: tuple[str, ...]
    violence: bool
    weapons: tuple[str, ...]
    uses_rail: bool
    start: int  # first month the line ran
    dormant_from: int  # month it went quiet
    closed_at: int | None  # month it was closed (reported as closed that month), if it was
    closure_type: str | None
    tenures: list[Tenure] = field(default_factory=list)

    @property
    def entity_id(self) -> str:
        return f"line-{self.index:06d}"

    def status(self, month: int) -> str | None:
        if month < self.start or (self.closed_at is not None and month > self.closed_at):
            return None
        if self.closed_at is not None and month == self.closed_at:
            return "closed"
        return "active" if month < self.dormant_from else "dormant"

    def numbers_in(self, month: int) -> list[str]:
        return [tenure.number for tenure in self.tenures if tenure.start <= month < tenure.end]


@dataclass
class Gang:
    index: int
    hub: str
    hub_council: str
    lines: tuple[int, ...]
    roles: str  # one ROLE_CODES letter per person
    phone_counts: bytes  # phones each person has
    phone_base: int = 0  # index of the gang's first person phone in the fictional pool
    forces: frozenset[str] = frozenset()  # every force that may hear of the gang


@dataclass(frozen=True)
class Submission:
    """One file a force sent in: its month, version and when it arrived."""

    force: str
    period: int
    version: int
    submitted_at: datetime
    due_at: datetime


@dataclass
class World:
    seed: int
    as_of: date
    periods: list[Period]
    gangs: list[Gang]
    lines: list[Line]
    submitting_forces: list[str]
    submissions: list[Submission]
    not_submitted: list[tuple[str, int]]
    pools: dict[str, tuple[str, ...]]
    geo: Geography

    @property
    def months(self) -> int:
        return len(self.periods)

    def gangs_touching(self, force: str) -> list[Gang]:
        return [gang for gang in self.gangs if force in gang.forces]


SCALES = {"tiny": {"gangs": 6, "months": 3, "all_forces": False},
          "demo": {"gangs": 120, "months": 6, "all_forces": True}}
PEOPLE_RECORDS_PER_GANG = 38  # measured at demo scale: distinct (force, person_ref) records per gang


def scale_settings(scale: str | int) -> dict:
    if isinstance(scale, int) or str(scale).isdigit():
        people = int(scale)
        return {"gangs": max(2, round(people / PEOPLE_RECORDS_PER_GANG)), "months": 6, "all_forces": True}
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use tiny, demo or a number of people records")
    return dict(SCALES[scale])


def periods_before(as_of: date, months: int) -> list[Period]:
    """The `months` full calendar months that end before `as_of`, oldest first."""
    year, month = as_of.year, as_of.month
    result = []
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        result.append((date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])))
    return [Period(index, start, end) for index, (start, end) in enumerate(reversed(result))]


def name_pools(seed: int) -> dict[str, tuple[str, ...]]:
    """Names and streets drawn from Faker en_GB (so with its frequencies), once per world."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(f"{seed}/streets")  # noqa: S311 - synthetic data
    return {
        "male": tuple(fake.first_name_male() for _ in range(3000)),
        "female": tuple(fake.first_name_female() for _ in range(3000)),
        "surname": tuple(fake.last_name() for _ in range(6000)),
        "street": tuple(dict.fromkeys(f"{fake.last_name()} {rng.choice(STREET_SUFFIXES)}" for _ in range(4000))),
        "analyst": tuple(f"{fake.first_name()} {fake.last_name()}" for _ in range(60)),
    }


def weighted_council(rng: random.Random, geo: Geography, force: str) -> str:
    councils = geo.councils_by_force[force]
    return rng.choices(councils, weights=[geo.council_weight(code) + 1 for code in councils])[0]


def build_world(*, seed: int, scale: str | int = "demo", as_of: date | None = None,
                months: int | None = None) -> World:
    settings = scale_settings(scale)
    geo = geography()
    periods = periods_before(as_of or date.today(), months or settings["months"])
    rng = random.Random(f"{seed}/world")  # noqa: S311 - synthetic data, not security
    hubs = list(HUBS)
    gangs: list[Gang] = []
    lines: list[Line] = []
    for index in range(settings["gangs"]):
        # Every world, however small, has the big five hubs first.
        hub = hubs[index] if index < 5 else rng.choices(hubs, weights=[HUBS[h][0] for h in hubs])[0]
        gang = _plan_gang(rng, geo, index, hub, lines, len(periods))
        gangs.append(gang)
    _allocate_numbers(rng, lines, gangs, len(periods))
    for gang in gangs:
        forces = {gang.hub}
        for line_index in gang.lines:
            forces.update(force for force, _council in lines[line_index].importing)
            if lines[line_index].uses_rail:
                forces.add(BTP)
        gang.forces = frozenset(forces)
    touched = set().union(*(gang.forces for gang in gangs))
    submitting = sorted(geo.forces) if settings["all_forces"] else sorted(touched)
    submissions, missing = _plan_submissions(random.Random(f"{seed}/compliance"),  # noqa: S311
                                             submitting, periods, as_of or date.today())
    return World(seed=seed, as_of=as_of or date.today(), periods=periods, gangs=gangs, lines=lines,
                 submitting_forces=submitting, submissions=submissions, not_submitted=missing,
                 pools=name_pools(seed), geo=geo)


def _plan_gang(rng: random.Random, geo: Geography, index: int, hub: str, lines: list[Line], months: int) -> Gang:
    destinations = HUBS[hub][1]
    hub_council = weighted_council(rng, geo, hub)
    line_indexes = []
    for _ in range(rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]):
        importing_forces = []
        for _ in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            force = rng.choices(list(destinations), weights=list(destinations.values()))[0]
            if force not in importing_forces:
                importing_forces.append(force)
        importing = tuple((force, weighted_council(rng, geo, force)) for force in importing_forces)
        start = rng.randrange(-HISTORY_MONTHS, months)
        active = rng.randint(2, 16)
        dormant = rng.choices((0, 1, 2), weights=(60, 25, 15))[0]
        closed_at = start + active + dormant if rng.random() < 0.55 else None
        if closed_at is not None and closed_at < 0:  # keep only lines the window sees
            start, closed_at = start - closed_at, 0
        drugs = rng.choices((("crack_cocaine", "heroin"), ("crack_cocaine",), ("heroin",), ("cocaine",),
                             ("crack_cocaine", "heroin", "cannabis"), ("cannabis",), ("ketamine", "mdma"),
                             ("spice",)), weights=(55, 10, 6, 12, 8, 4, 3, 2))[0]
        violence = rng.random() < 0.3
        weapons = (rng.choices((("knife",), ("knife", "firearm"), ("firearm",), ("corrosive",), ("knife", "other")),
                               weights=(70, 8, 7, 10, 5))[0]) if violence or rng.random() < 0.1 else ()
        line = Line(
            index=len(lines), gang=index, brand=rng.choice(BRANDS), exporting_force=hub,
            exporting_council=hub_council, importing=importing, drugs=drugs, violence=violence, weapons=weapons,
            uses_rail=rng.random() < 0.35, start=start, dormant_from=start + active, closed_at=closed_at,
            closure_type=(rng.choice(("type1", "type2")) if closed_at is not None else None),
        )
        lines.append(line)
        line_indexes.append(line.index)
    n_lines = len(line_indexes)
    roles = ("H" * (1 + (n_lines > 2)) + "C" * rng.randint(0, 2) + "K" * rng.randint(0, 1)
             + "E" * rng.randint(0, 2) + "R" * (2 + 2 * n_lines + rng.randint(0, 3))
             + "U" * rng.randint(3 * n_lines, 6 * n_lines) + "O" * rng.randint(n_lines, 2 * n_lines))
    phones = bytes(rng.choice(PHONES_BY_ROLE[code]) for code in roles)
    return Gang(index=index, hub=hub, hub_council=hub_council, lines=tuple(line_indexes), roles=roles,
                phone_counts=phones)


def _allocate_numbers(rng: random.Random, lines: list[Line], gangs: list[Gang], months: int) -> None:
    """Give each line a deal number every few months. A released number goes back in the pool and
    is picked up later by a line of a *different* gang: linkage must only count a shared number as
    evidence while the two lines used it at the same time."""
    requests = []
    for line in lines:
        month, end = line.start, (line.closed_at + 1 if line.closed_at is not None else months)
        while month < end:
            length = rng.randint(2, 5)
            requests.append((month, line.index, min(month + length, end)))
            month += length
    requests.sort()
    released: list[tuple[int, int, str, int]] = []  # heap of (free from month, order, number, gang)
    order = itertools.count()
    next_number = 0
    for start, line_index, stop in requests:
        line = lines[line_index]
        number = None
        if rng.random() < 0.3:
            same_gang = []
            while released and released[0][0] <= start and number is None:
                item = heapq.heappop(released)
                if item[3] == line.gang:
                    same_gang.append(item)
                else:
                    number = item[2]
            for item in same_gang:
                heapq.heappush(released, item)
        if number is None:
            number = mobile_number(next_number)
            next_number += 1
        line.tenures.append(Tenure(number, start, stop))
        if stop < months:  # the line moved to a new number (or closed) within the window
            heapq.heappush(released, (stop + rng.randint(1, 3), next(order), number, line.gang))
    # Deal numbers come first (in Ofcom's drama range at demo scale); people's phones follow.
    base = max(next_number, DRAMA_MOBILES)
    for gang in gangs:
        gang.phone_base = base
        base += sum(gang.phone_counts)
    mobile_number(base - 1)  # fails clearly if the world needs more fictional numbers than exist


def _plan_submissions(rng: random.Random, forces: list[str], periods: list[Period],
                      as_of: date) -> tuple[list[Submission], list[tuple[str, int]]]:
    """Most forces submit on time; a few are habitually late; 2-3 miss a month or two; one sends a
    second version of one month that supersedes the first."""
    candidates = [force for force in forces if force not in HUBS]
    late = set(rng.sample(candidates, min(4, len(candidates))))
    missing: set[tuple[str, int]] = set()
    for force in rng.sample(candidates, min(3 if len(forces) > 10 else 1, len(candidates))):
        for _ in range(rng.randint(1, 2)):
            missing.add((force, rng.randrange(len(periods))))
    resubmitting = rng.choice([force for force in forces if force in HUBS] or forces)
    resubmitted_period = rng.randrange(len(periods))
    latest = datetime.combine(as_of, time(8, 0), tzinfo=UTC)
    submissions = []
    for force in forces:
        for period in periods:
            if (force, period.index) in missing:
                continue
            due_day = add_working_days(period.end, DUE_WORKING_DAYS)
            due = datetime.combine(due_day, time(23, 59), tzinfo=LONDON)  # the last minute on time
            if force in late and rng.random() < 0.7 or rng.random() < 0.05:
                day = add_working_days(due_day, rng.randint(1, LATEST_WORKING_DAYS_LATE))
            else:
                day = add_working_days(period.end, rng.randint(2, DUE_WORKING_DAYS))
            # Sent in office hours, London time, on a working day.
            at = datetime.combine(day, time(9, 0), tzinfo=LONDON).astimezone(UTC)
            at = min(at + timedelta(minutes=rng.randrange(8 * 60)), latest)
            times = [at]
            if (force, period.index) == (resubmitting, resubmitted_period):
                second = min(at + timedelta(days=3), latest)
                times = [min(at, second - timedelta(hours=2)), second]
            for version, submitted in enumerate(times, start=1):
                submissions.append(Submission(force, period.index, version, submitted, due))
    return submissions, sorted(missing)
