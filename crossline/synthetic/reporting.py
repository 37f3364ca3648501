"""What one force writes about what it knows: its own references, its own spellings and its own
gaps, stable from one month's return to the next.

`ForceReporter(world, force).gang_rows(detail)` yields (month, sheet, row, entity_id) for one gang; rows hold
Python values (dates, bools for Y/N, lists for multi-valued cells) that the writers render in the
force's style. Places every gang shares (railway stations) are gathered and written once per return.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from crossline.synthetic import noise
from crossline.synthetic.cast import GangDetail, Person, Place, age_on
from crossline.synthetic.identifiers import (
    PHONE_STYLES,
    drama_landline,
    phone_variant,
    pnc_id,
    postcode,
    postcode_variant,
    vrm_variant,
)
from crossline.synthetic.refdata import BTP, Geography
from crossline.synthetic.world import World

REF_MODULUS = 2_147_483_647  # prime: refs are an affine scramble of the entity, unique within a sheet
CONDITIONS = ("Not to be shared outside policing without FIB authority.",
              "Share with safeguarding partners only.", "Do not disclose the source to the subject.")
SAFEGUARDING = ("Referred to children's social care.", "Strategy meeting held.", "Return home interview completed.",
                "Adult safeguarding referral made.", "Placed on the force's exploitation panel.")
OMITTABLE = ("notes", "safeguarding_actions", "uprn", "description", "colour")


@dataclass(frozen=True)
class Style:
    """How one force's systems write things."""

    force: str
    force_label: str
    ref_prefix: str
    ref_pattern: str
    ref_factor: int
    ref_offset: int
    dates: str  # "iso", "uk" or "mixed": how its CSV files write dates
    yes_no: tuple[str, str]
    separator: str
    bom: bool  # its CSV files start with a byte order mark (Excel's "CSV UTF-8")
    vocab: str
    phone: str
    postcode: str
    vrm: str
    area: str
    omit: frozenset[str]
    shuffle_columns: bool
    sloppiness: float  # multiplies the chance of every slip

    def ref(self, letter: str, serial: int) -> str:
        number = (serial * self.ref_factor + self.ref_offset + ord(letter) * 7_919_777) % REF_MODULUS
        return self.ref_pattern.format(p=self.ref_prefix, s=letter, n=number)

    def word(self, value: str) -> str:
        if self.vocab == "spaces":
            return value.replace("_", " ")
        if self.vocab == "upper_hyphen":
            return value.replace("_", "-").upper()
        if self.vocab == "title":
            return value.replace("_", " ").title()
        return value


def force_style(seed: int, geo: Geography, force: str) -> Style:
    rng = random.Random(f"{seed}/style/{force}")  # noqa: S311 - synthetic data
    info = geo.forces[force]
    prefix = "BTP" if force == BTP else "".join(w[0] for w in info.force_name.replace("-", " ").split()
                                                if w[0].isupper())
    return Style(
        force=force,
        force_label=rng.choices((force, info.force_name, info.name), weights=(70, 20, 10))[0],
        ref_prefix=prefix,
        ref_pattern=rng.choice(("{p}-{s}-{n:010d}", "{p}/{s}/{n}", "{p}{s}{n:010d}", "NICHE-{s}{n}")),
        ref_factor=rng.randrange(1_000, REF_MODULUS - 1), ref_offset=rng.randrange(REF_MODULUS),
        dates=rng.choice(("iso", "uk", "mixed")),
        yes_no=rng.choice((("Y", "N"), ("Yes", "No"), ("TRUE", "FALSE"), ("y", "n"))),
        separator=rng.choice((";", "; ", " ; ")),
        bom=rng.random() < 0.3,
        vocab=rng.choices(("exact", "spaces", "upper_hyphen", "title"), weights=(60, 20, 10, 10))[0],
        phone=rng.choice(PHONE_STYLES),
        postcode=rng.choices(("normal", "compact_lower", "double_space", "lower"), weights=(70, 10, 10, 10))[0],
        vrm=rng.choice(("spaced", "compact", "lower")),
        area=rng.choices(("code", "name", "force_name", "council", "council_name"), weights=(40, 25, 15, 10, 10))[0],
        omit=frozenset(c for c in OMITTABLE if rng.random() < 0.15),
        shuffle_columns=rng.random() < 0.2,
        sloppiness=rng.uniform(0.5, 1.6),
    )


@dataclass(frozen=True)
class CommonValues:
    """Values a force writes on many unrelated records: linkage must not treat them as evidence."""

    custody: tuple[str, str]
    hospital: tuple[str, str]
    switchboard: str


def common_values(world: World, force: str) -> CommonValues:
    rng = random.Random(f"{world.seed}/common/{force}")  # noqa: S311 - synthetic data
    geo = world.geo
    council = (geo.councils_by_force.get(force) or geo.councils_by_force["E23000001"])[0]
    district = geo.districts_by_council[council][0][0]
    town = geo.councils[council].town
    return CommonValues(
        custody=(f"Custody Suite, Central Police Station, {town}", postcode(rng, district)),
        hospital=(f"Emergency Department, {town} General Hospital", postcode(rng, district)),
        switchboard=drama_landline(sorted(geo.forces).index(force)),
    )


class ForceReporter:
    def __init__(self, world: World, force: str):
        self.world, self.force = world, force
        self.style = force_style(world.seed, world.geo, force)
        self.common = common_values(world, force)
        self.stations: dict[int, dict[int, tuple[Place, set[str], set[str]]]] = {}

    def rng(self, entity_id: str) -> random.Random:
        return random.Random(f"{self.world.seed}/{self.force}/{entity_id}")  # noqa: S311 - synthetic data

    def slip(self, rng: random.Random, share: float) -> bool:
        return rng.random() < share * self.style.sloppiness

    # -- one gang ---------------------------------------------------------------------------
    def gang_rows(self, detail: GangDetail):
        force, style = self.force, self.style
        person_views = {s: self.person_view(p) for s, p in detail.people.items() if force in p.known}
        for month, period in enumerate(self.world.periods):
            bit = 1 << month
            lines = {i: style.ref("L", i) for i, k in detail.line_known.items() if k.get(force, 0) & bit}
            people = {s: style.ref("P", s) for s, p in detail.people.items() if p.known.get(force, 0) & bit}
            places = {s: style.ref("A", s) for s, p in detail.places.items() if p.known.get(force, 0) & bit}
            for index, ref in lines.items():
                yield month, "lines", self.line_row(detail, index, ref, month), detail.lines[index].entity_id
            for serial, ref in people.items():
                row = self.person_row(detail.people[serial], person_views[serial], ref, month, period.end)
                row["line_refs"] = [lines[i] for i in detail.people[serial].lines if i in lines]
                yield month, "people", row, detail.people[serial].entity_id
            for serial, ref in places.items():
                place = detail.places[serial]
                line_refs = {lines[i] for i in place.lines if i in lines}
                person_refs = {people[s] for s in place.people if s in people}
                if serial >= 1_900_000_000:  # a station: gathered across gangs, written once
                    _place, known_lines, known_people = self.stations.setdefault(month, {}).setdefault(
                        serial, (place, set(), set()))
                    known_lines.update(line_refs)
                    known_people.update(person_refs)
                    continue
                yield (month, "locations", self.place_row(place, ref, month, sorted(line_refs), sorted(person_refs)),
                       place.entity_id)
            for vehicle in detail.vehicles:
                if vehicle.known.get(force, 0) & bit:
                    yield month, "vehicles", self.vehicle_row(vehicle, lines, people), vehicle.entity_id
            for event in detail.events:
                if event.month == month and force in event.reporters:
                    yield month, "events", self.event_row(event, lines, people, places), event.entity_id

    def station_rows(self, month: int):
        for serial, (place, line_refs, person_refs) in sorted(self.stations.pop(month, {}).items()):
            yield ("locations", self.place_row(place, self.style.ref("A", serial), month, sorted(line_refs),
                                               sorted(person_refs)), place.entity_id)

    # -- records ----------------------------------------------------------------------------
    def grading(self, rng: random.Random) -> dict:
        code = "C" if rng.random() < 0.15 else "P"
        return {"source_eval": rng.choices("RUX", weights=(50, 35, 15))[0],
                "intel_assessment": rng.choices("12345", weights=(15, 35, 30, 15, 5))[0],
                "handling_code": code, "handling_conditions": rng.choice(CONDITIONS) if code == "C" else None}

    def area(self, force: str, council: str) -> str:
        geo, kind = self.world.geo, self.style.area
        if kind == "council":
            return council
        if kind == "council_name":
            return geo.councils[council].name
        if kind == "name":
            return geo.forces[force].name
        return geo.forces[force].force_name if kind == "force_name" else force

    def month_date(self, month: int, rng_key: str) -> date:
        """A stable day in `month` (which may be before the window) for this force's record."""
        periods = self.world.periods
        if 0 <= month < len(periods):
            start = periods[month].start
        else:
            start = (periods[0].start.replace(day=15) + timedelta(days=30.44 * month)).replace(day=1)
        return start + timedelta(days=random.Random(f"{rng_key}/{month}").randrange(28))  # noqa: S311

    def line_row(self, detail: GangDetail, index: int, ref: str, month: int) -> dict:
        line = detail.lines[index]
        rng = self.rng(line.entity_id)
        style = self.style
        name = rng.choices((line.brand, f"{line.brand} line", line.brand.upper(), line.brand.title(),
                            f"{line.brand.upper()} LINE"), weights=(40, 20, 20, 10, 10))[0]
        phone_style = style.phone if rng.random() < 0.8 else rng.choice(PHONE_STYLES)
        numbers = [phone_variant(n, phone_style) for n in line.numbers_in(month) if rng.random() < 0.92]
        if not numbers and line.numbers_in(month):
            numbers = [phone_variant(line.numbers_in(month)[0], phone_style)]
        knows_name = rng.random() > 0.1 * style.sloppiness or not numbers
        importing = [self.area(f, c) for f, c in line.importing if self.force in (line.exporting_force, BTP)
                     or f == self.force or rng.random() < 0.5] or [self.area(*line.importing[0])]
        status = line.status(month)
        first_known = (detail.line_known[index][self.force] & -detail.line_known[index][self.force]).bit_length() - 1
        first = self.month_date(min(first_known, max(line.start, first_known - 3)), line.entity_id)
        if status == "dormant":
            last = max(first, min(self.month_date(line.dormant_from, line.entity_id + "q"),
                                  self.world.periods[month].end))
        else:
            last = max(first, self.month_date(month, line.entity_id + "q"))
        return {
            "line_ref": ref, "line_name": name if knows_name else None, "deal_numbers": numbers,
            "exporting_area": self.area(line.exporting_force, line.exporting_council),
            "importing_areas": importing,
            "drugs": [style.word(d) for d in line.drugs if rng.random() < 0.85],
            "status": style.word(status), "closure_type": line.closure_type if status == "closed" else None,
            "first_reported": first, "last_reported": last,
            "violence": line.violence if rng.random() < 0.8 else None,
            "weapons": [style.word(w) for w in line.weapons], **self.grading(rng),
            "notes": "Deal line texts sent to local users." if rng.random() < 0.2 else None,
        }

    def person_view(self, person: Person) -> dict:
        rng, common = self.rng(person.entity_id), self.common
        forename, surname = person.forename, person.surname
        if self.slip(rng, 0.10) and noise.nickname(forename):
            forename = noise.nickname(forename)
        if self.slip(rng, 0.08):
            forename = noise.typo(rng, forename, rng.choice((1, 1, 2)))
        if self.slip(rng, 0.08):
            surname = noise.typo(rng, surname, rng.choice((1, 1, 2)))
        forenames = f"{forename} {person.middle}" if person.middle and rng.random() < 0.5 else forename
        if self.slip(rng, 0.03):
            forenames, surname = surname, forenames
        if person.aliases and self.slip(rng, 0.05):
            forenames = surname = None  # known only by a street name
        dob, estimate_offset = person.dob, None
        roll = rng.random()
        if roll < 0.15 * self.style.sloppiness:
            dob, estimate_offset = None, rng.choice((0, 0, 0, -1, 1))
        elif roll < 0.2 * self.style.sloppiness:
            dob = noise.transposed(dob) or dob
        elif roll < 0.23 * self.style.sloppiness:
            dob = dob + timedelta(days=rng.choice((-1, 1)))
        phone_style = self.style.phone if rng.random() < 0.8 else rng.choice(PHONE_STYLES)
        phones = [phone_variant(n, phone_style) for n in person.phones if rng.random() < 0.8]
        if self.slip(rng, 0.03):
            phones.append(common.switchboard)
        address, code = person.address, person.postcode
        roll = rng.random()
        if roll < 0.04:
            address, code = common.custody
        elif roll < 0.06:
            address, code = common.hospital
        elif roll < 0.16:
            address, code = None, None
        council = self.world.geo.councils[person.looked_after_by] if person.looked_after_by else None
        return {
            "surname": surname, "forenames": forenames,
            "aliases": [a for a in person.aliases if rng.random() < 0.8],
            "dob": dob, "estimate_offset": estimate_offset,
            "gender": person.gender if rng.random() < 0.9 else None,
            "pnc_id": pnc_id(*person.pnc, pad=rng.random() < 0.8) if person.pnc and rng.random() < 0.75 else None,
            "phone_numbers": phones,
            "address": noise.address_variant(rng, address) if address else None,
            "postcode": postcode_variant(code, self.style.postcode) if code and rng.random() < 0.9 else None,
            "roles": ["associate"] if person.code in "CKE" and rng.random() < 0.1 else list(person.roles),
            "factors": [f for f in person.factors if f in ("looked_after", "cuckooed") or rng.random() < 0.85],
            "looked_after_by": (council.code if rng.random() < 0.5 else council.name) if council else None,
            "safeguarding": rng.choice(SAFEGUARDING), "grading": self.grading(rng),
        }

    def person_row(self, person: Person, view: dict, ref: str, month: int, period_end: date) -> dict:
        style = self.style
        true_age = age_on(person.dob, period_end)
        estimate = None if view["estimate_offset"] is None else true_age + view["estimate_offset"]
        recorded_age = age_on(view["dob"], period_end) if view["dob"] else estimate
        factors = list(view["factors"])
        if true_age < 18 or (recorded_age is not None and recorded_age < 18):
            factors.insert(0, "under_18")
        vulnerable = bool(factors)
        nrm = None
        if person.nrm and person.nrm[0] <= month:
            nrm = person.nrm[3] if person.nrm[2] is not None and person.nrm[2] <= month else person.nrm[1]
        aliases = view["aliases"]
        if not (view["surname"] or view["forenames"] or aliases):
            aliases = list(person.aliases[:1])
        return {
            "person_ref": ref, "surname": view["surname"], "forenames": view["forenames"], "aliases": aliases,
            "date_of_birth": view["dob"], "age_estimate": estimate, "gender": view["gender"] and style.word(view["gender"]),
            "pnc_id": view["pnc_id"], "phone_numbers": view["phone_numbers"], "address": view["address"],
            "postcode": view["postcode"], "roles": [style.word(r) for r in view["roles"]], "line_refs": [],
            "vulnerable": vulnerable, "vulnerability_factors": [style.word(f) for f in factors],
            "looked_after_by": view["looked_after_by"] if "looked_after" in factors else None,
            "nrm_status": nrm and style.word(nrm),
            "safeguarding_actions": view["safeguarding"] if vulnerable else None,
            **view["grading"], "notes": None,
        }

    def place_row(self, place: Place, ref: str, month: int, line_refs: list[str], person_refs: list[str]) -> dict:
        rng = self.rng(place.entity_id)
        known = place.known.get(self.force, 1 << month)
        first = self.month_date((known & -known).bit_length() - 1, place.entity_id)
        has_postcode = rng.random() < 0.9
        return {
            "location_ref": ref, "type": self.style.word(place.type),
            "address": noise.address_variant(rng, place.address) if rng.random() < 0.95 or not has_postcode
            else None,
            "postcode": postcode_variant(place.postcode, self.style.postcode) if has_postcode else None,
            "uprn": place.uprn if place.uprn and rng.random() < 0.7 else None,
            "line_refs": line_refs, "person_refs": person_refs, "first_reported": first,
            "last_reported": max(first, self.month_date(month, place.entity_id + "q")), **self.grading(rng),
            "notes": None,
        }

    def vehicle_row(self, vehicle, lines: dict, people: dict) -> dict:
        rng = self.rng(vehicle.entity_id)
        return {
            "vehicle_ref": self.style.ref("V", vehicle.serial),
            "vrm": vrm_variant(vehicle.vrm, self.style.vrm if rng.random() < 0.8 else "compact"),
            "make": vehicle.make if rng.random() < 0.9 else None,
            "model": vehicle.model if rng.random() < 0.85 else None,
            "colour": vehicle.colour.upper() if rng.random() < 0.3 else vehicle.colour,
            "line_refs": [lines[i] for i in vehicle.lines if i in lines],
            "person_refs": [people[s] for s in vehicle.people if s in people], **self.grading(rng),
        }

    def event_row(self, event, lines: dict, people: dict, places: dict) -> dict:
        rng, word = self.rng(event.entity_id), self.style.word
        return {
            "event_ref": self.style.ref("E", event.serial), "date": event.date, "type": word(event.type),
            "postcode": postcode_variant(event.postcode, self.style.postcode) if event.postcode else None,
            "location_ref": places.get(event.place), "line_refs": [lines[i] for i in event.lines if i in lines],
            "person_refs": [people[s] for s in event.people if s in people],
            "drug": event.drug and word(event.drug), "quantity_grams": event.grams, "cash_gbp": event.cash,
            "weapon": event.weapon and word(event.weapon), "description": event.description or None,
            **self.grading(rng),
        }

