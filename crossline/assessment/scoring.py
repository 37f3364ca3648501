"""The scoring model, MoRiLE-style, as a pure function: facts about a line in, a score out.

    priority score = likelihood x confidence x harm + organisational position

Harm is points: what the line does to its victims (children first, then looked-after children,
vulnerable adults, sexual exploitation, cuckooing, missing episodes), physical harm (violence,
weapons), psychological harm (enforcers, debt bondage) and its scale (drugs, places, people,
areas and forces it supplies, months active). Every factor has a cap, so no single kind of fact
can run away with the score. Likelihood (status and how recently reported) and confidence (the
best 3x5x2 grading behind the line, raised by other forces corroborating it) are multipliers
between 0 and 1. Organisational position adds points when nobody owns the line yet and when the
forces it touches are already stretched.

Harm first, by construction (and proved by the property tests):
- every harm factor only adds points, and likelihood and confidence do not depend on them, so
  another child, weapon or violent event never lowers a score (nor, thresholds being fixed, a band);
- the first child exploited is worth more than everything scale can add (a `Weights` whose
  `child_first` is not above the sum of the scale caps is refused), so a small line exploiting a
  child outranks a large line exploiting none that is as current, as well evidenced, as owned,
  and has no more of the other harms.

Nothing here reads the database: `facts.py` derives `LineFacts` from the records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from crossline.assessment.models import Band

WEAPON_WORDS = {"firearm": "a firearm", "corrosive": "a corrosive substance", "knife": "a knife",
                "other": "another weapon"}
CLASS_A = frozenset({"crack_cocaine", "heroin", "cocaine"})
STATUSES = ("active", "dormant", "closed")
GRADING_SOURCE = {"R": 1.0, "U": 0.8, "X": 0.5}
GRADING_INTEL = {"1": 1.0, "2": 0.95, "3": 0.8, "4": 0.6, "5": 0.3}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _shallow(instance) -> dict:
    names = _FIELD_NAMES.get(type(instance))
    if names is None:
        names = _FIELD_NAMES[type(instance)] = tuple(item.name for item in fields(instance))
    return {name: getattr(instance, name) for name in names}


@dataclass(frozen=True)
class LineFacts:
    """What the records say about one line (or one network of lines), as counts."""

    # Victims: distinct people (resolved entities), each counted once however many forces report them.
    children: int = 0
    looked_after_children: int = 0
    vulnerable_adults: int = 0
    sexual_exploitation: int = 0
    cuckooed: int = 0  # cuckooed addresses and cuckooed occupants
    missing_episodes: int = 0  # people with missing episodes, and missing episode events
    # Physical and psychological harm.
    violent_events: int = 0  # violence events, and a force reporting the line as violent
    weapons: frozenset[str] = frozenset()  # knife, firearm, corrosive, other
    threats: int = 0  # enforcers, and people held in debt bondage
    # Scale.
    people: int = 0
    drugs: frozenset[str] = frozenset()
    places: int = 0  # trap houses, stashes, deal sites and other places it uses
    importing_areas: int = 0
    importing_forces: int = 0  # forces it supplies, other than the one it is run from
    months_reported: int = 0
    # Likelihood.
    status: str = "active"
    days_since_report: int | None = None  # None: no date known
    # Confidence.
    best_grading: str = ""  # e.g. "R2": the best source evaluation and assessment behind the line
    forces_reporting: int = 1
    # Organisational position.
    live_taskings: int = 0
    tasked_to: tuple[str, ...] = ()
    busiest_force_taskings: int = 0  # the most live taskings held by any force the line touches

    def as_dict(self) -> dict:
        data = _shallow(self)  # dataclasses.asdict deep-copies: ten times slower for flat rows
        data["weapons"] = sorted(self.weapons)
        data["drugs"] = sorted(self.drugs)
        data["tasked_to"] = list(self.tasked_to)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> LineFacts:
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["weapons"] = frozenset(values.get("weapons", ()))
        values["drugs"] = frozenset(values.get("drugs", ()))
        values["tasked_to"] = tuple(values.get("tasked_to", ()))
        return cls(**values)


@dataclass(frozen=True)
class Weights:
    """Points and caps the national centre sets. Defaults are version 1."""

    child_first: float = 35.0
    child_each: float = 5.0
    child_cap: float = 55.0
    looked_after_each: float = 6.0
    looked_after_cap: float = 12.0
    vulnerable_adult_each: float = 4.0
    vulnerable_adult_cap: float = 12.0
    sexual_exploitation_each: float = 6.0
    sexual_exploitation_cap: float = 12.0
    cuckooed_each: float = 4.0
    cuckooed_cap: float = 12.0
    missing_each: float = 2.0
    missing_cap: float = 8.0
    violence_each: float = 5.0
    violence_cap: float = 15.0
    weapon_firearm: float = 10.0
    weapon_corrosive: float = 8.0
    weapon_knife: float = 5.0
    weapon_other: float = 3.0
    threats_each: float = 3.0
    threats_cap: float = 9.0
    # Scale: together these must stay below `child_first`.
    class_a: float = 4.0
    drug_each: float = 1.0
    drugs_cap: float = 6.0
    places_each: float = 1.0
    places_cap: float = 4.0
    people_each: float = 0.5
    people_cap: float = 4.0
    importing_area_each: float = 2.0
    importing_area_cap: float = 8.0
    importing_force_each: float = 2.0
    importing_force_cap: float = 6.0
    month_each: float = 1.0
    months_cap: float = 4.0
    # Likelihood: status, then how recently reported.
    likelihood_active: float = 1.0
    likelihood_dormant: float = 0.6
    likelihood_closed: float = 0.3
    recent_days: int = 90
    recency_recent: float = 1.0
    recency_half_year: float = 0.85
    recency_year: float = 0.7
    recency_older: float = 0.5
    recency_unknown: float = 0.5  # no date known counts as the least recent: a date can only help
    # Confidence: the best grading, raised for each further force corroborating.
    confidence_floor: float = 0.3
    corroboration_each: float = 0.1
    # Organisational position.
    untasked: float = 5.0
    stretched: float = 3.0
    stretched_at: int = 5

    def scale_caps(self) -> float:
        return (self.drugs_cap + self.places_cap + self.people_cap + self.importing_area_cap
                + self.importing_force_cap + self.months_cap)

    def problems(self) -> dict[str, str]:
        """field -> what is wrong with it; empty when these weights may be used."""
        problems: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value < 0:
                problems[item.name] = "Enter a number that is 0 or more."
        for name in ("likelihood_active", "likelihood_dormant", "likelihood_closed", "recency_recent",
                     "recency_half_year", "recency_year", "recency_older", "recency_unknown",
                     "confidence_floor"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                problems[name] = "Enter a number above 0 and no more than 1."
        if not self.recency_recent >= self.recency_half_year >= self.recency_year >= self.recency_older:
            problems["recency_half_year"] = ("A line reported more recently must never count as less likely: "
                                             "keep the recency multipliers in order, newest largest.")
        if self.recency_unknown > self.recency_older:
            problems["recency_unknown"] = ("A line with no report date must count no more than one last reported "
                                           "over a year ago, so that learning a date never lowers its score.")
        if self.child_first <= self.scale_caps():
            problems["child_first"] = (
                f"The first child must be worth more than everything scale can add "
                f"({self.scale_caps():g} points now), so that a small line exploiting a child always "
                f"outranks a large line exploiting none.")
        if self.child_cap < self.child_first:
            problems["child_cap"] = "The cap on children must be at least the points for the first child."
        if self.recent_days < 1:
            problems["recent_days"] = "Enter a whole number of days, 1 or more."
        return problems

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Weights:
        known = {item.name: item for item in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class Contribution:
    group: str  # Victims, Physical harm, Psychological harm, Scale, Likelihood, Confidence, Position
    factor: str
    words: str
    points: float | None = None  # points added to harm or to the score
    multiplier: float | None = None  # for likelihood and confidence

    def as_dict(self) -> dict:
        return {key: value for key, value in _shallow(self).items() if value is not None}


@dataclass(frozen=True)
class Score:
    score: float
    band: str
    harm: float
    likelihood: float
    confidence: float
    position: float
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)

    def contribution_dicts(self) -> list[dict]:
        return [item.as_dict() for item in self.contributions]


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def _capped(number: int, each: float, cap: float) -> float:
    return min(max(number, 0) * each, cap)


def harm_contributions(facts: LineFacts, weights: Weights) -> list[Contribution]:
    w = weights
    found: list[Contribution] = []

    def add(group: str, factor: str, words: str, points: float) -> None:
        if points > 0:
            found.append(Contribution(group, factor, words, round(points, 2)))

    if facts.children > 0:
        points = min(w.child_first + (facts.children - 1) * w.child_each, max(w.child_cap, w.child_first))
        add("Victims", "children", f"Exploits {_count(facts.children, 'child', 'children')}", points)
    add("Victims", "looked_after_children",
        f"{_count(facts.looked_after_children, 'child is', 'children are')} looked after by a council",
        _capped(facts.looked_after_children, w.looked_after_each, w.looked_after_cap))
    add("Victims", "vulnerable_adults", f"Exploits {_count(facts.vulnerable_adults, 'vulnerable adult')}",
        _capped(facts.vulnerable_adults, w.vulnerable_adult_each, w.vulnerable_adult_cap))
    add("Victims", "sexual_exploitation",
        f"{_count(facts.sexual_exploitation, 'person', 'people')} reported as sexually exploited",
        _capped(facts.sexual_exploitation, w.sexual_exploitation_each, w.sexual_exploitation_cap))
    add("Victims", "cuckooed", f"{_count(facts.cuckooed, 'home')} cuckooed (taken over to deal from)",
        _capped(facts.cuckooed, w.cuckooed_each, w.cuckooed_cap))
    add("Victims", "missing_episodes", f"{_count(facts.missing_episodes, 'missing episode')} reported",
        _capped(facts.missing_episodes, w.missing_each, w.missing_cap))
    add("Physical harm", "violence", f"{_count(facts.violent_events, 'violent incident')} reported",
        _capped(facts.violent_events, w.violence_each, w.violence_cap))
    for weapon in ("firearm", "corrosive", "knife", "other"):
        if weapon in facts.weapons:
            add("Physical harm", f"weapon_{weapon}", f"Reported with {WEAPON_WORDS[weapon]}",
                getattr(w, f"weapon_{weapon}"))
    add("Psychological harm", "threats",
        f"{_count(facts.threats, 'person', 'people')} used to threaten, or held in drug debt",
        _capped(facts.threats, w.threats_each, w.threats_cap))
    class_a = facts.drugs & CLASS_A
    drug_points = (w.class_a if class_a else 0.0) + max(len(facts.drugs) - (1 if class_a else 0), 0) * w.drug_each
    drug_words = "Supplies class A drugs" if class_a else "Supplies drugs"
    add("Scale", "drugs", f"{drug_words} ({_count(len(facts.drugs), 'kind')})", min(drug_points, w.drugs_cap))
    add("Scale", "places", f"Uses {_count(facts.places, 'place')} (trap houses, stashes, deal sites)",
        _capped(facts.places, w.places_each, w.places_cap))
    add("Scale", "people", f"{_count(facts.people, 'person', 'people')} involved",
        _capped(facts.people, w.people_each, w.people_cap))
    add("Scale", "importing_areas", f"Supplies {_count(facts.importing_areas, 'area')}",
        _capped(facts.importing_areas, w.importing_area_each, w.importing_area_cap))
    add("Scale", "importing_forces", f"Crosses into {_count(facts.importing_forces, 'other force area')}",
        _capped(facts.importing_forces, w.importing_force_each, w.importing_force_cap))
    add("Scale", "months", f"Reported in {_count(facts.months_reported, 'month')}",
        _capped(facts.months_reported - 1, w.month_each, w.months_cap))
    return found


def likelihood_of(facts: LineFacts, weights: Weights) -> tuple[float, str]:
    w = weights
    status = facts.status if facts.status in STATUSES else "active"
    status_factor = {"active": w.likelihood_active, "dormant": w.likelihood_dormant,
                     "closed": w.likelihood_closed}[status]
    days = facts.days_since_report
    if days is None:
        recency, when = w.recency_unknown, "no report date given"
    elif days <= w.recent_days:
        recency, when = w.recency_recent, f"last reported {_count(max(days, 0), 'day')} ago"
    elif days <= 183:
        recency, when = w.recency_half_year, f"last reported {_count(days, 'day')} ago"
    elif days <= 366:
        recency, when = w.recency_year, f"last reported {_count(days, 'day')} ago"
    else:
        recency, when = w.recency_older, "last reported over a year ago"
    return status_factor * recency, f"{status.capitalize()}, {when}"


def grading_factor(grading: str) -> float:
    if len(grading) != 2:
        return 0.0
    return GRADING_SOURCE.get(grading[0], 0.0) * GRADING_INTEL.get(grading[1], 0.0)


def confidence_of(facts: LineFacts, weights: Weights) -> tuple[float, str]:
    w = weights
    graded = grading_factor(facts.best_grading)
    others = max(facts.forces_reporting - 1, 0)
    confidence = min(1.0, max(w.confidence_floor, graded + others * w.corroboration_each))
    words = f"Best grading {facts.best_grading}" if facts.best_grading else "No grading"
    if others:
        words += f"; corroborated by {_count(others, 'other force')}"
    else:
        words += "; reported by one force only"
    return confidence, words


def position_contributions(facts: LineFacts, weights: Weights) -> list[Contribution]:
    found = []
    if facts.live_taskings == 0 and weights.untasked > 0:
        found.append(Contribution("Organisational position", "untasked",
                                  "Nobody holds a live tasking on it", weights.untasked))
    if facts.busiest_force_taskings >= weights.stretched_at and weights.stretched > 0:
        found.append(Contribution("Organisational position", "stretched",
                                  f"A force it touches already holds {facts.busiest_force_taskings} live taskings",
                                  weights.stretched))
    return found


def band_for(score: float, *, national: float, regional: float) -> str:
    if score >= national:
        return Band.NATIONAL
    if score >= regional:
        return Band.REGIONAL
    return Band.LOCAL


def score_line(facts: LineFacts, weights: Weights, *, national: float, regional: float) -> Score:
    """The priority score of one line or network, its band and what made it."""
    harm_parts = harm_contributions(facts, weights)
    harm = sum(part.points or 0.0 for part in harm_parts)
    likelihood, likelihood_words = likelihood_of(facts, weights)
    confidence, confidence_words = confidence_of(facts, weights)
    position_parts = position_contributions(facts, weights)
    if facts.live_taskings:
        owners = ", ".join(facts.tasked_to) or "an owner"
        position_parts.insert(0, Contribution("Organisational position", "tasked",
                                              f"{_count(facts.live_taskings, 'live tasking')} held by {owners}", 0.0))
    position = sum(part.points or 0.0 for part in position_parts)
    # Not rounded: a tie made by rounding could put a large line level with one exploiting a child.
    score = likelihood * confidence * harm + position
    contributions = (*harm_parts,
                     Contribution("Likelihood", "likelihood", likelihood_words, multiplier=round(likelihood, 3)),
                     Contribution("Confidence", "confidence", confidence_words, multiplier=round(confidence, 3)),
                     *position_parts)
    return Score(score=score, band=band_for(score, national=national, regional=regional), harm=harm,
                 likelihood=likelihood, confidence=confidence, position=position,
                 contributions=contributions)


def merge_grading(left: str, right: str) -> str:
    """The better of two gradings (adding a record never lowers confidence)."""
    return left if grading_factor(left) >= grading_factor(right) else right


def _points(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def explanation(*, contributions: list[dict], score: float, band: str, harm: float, national: float,
                regional: float) -> list[str]:
    """A score explained in sentences, from its stored contributions."""
    sentences = []
    label = {Band.NATIONAL: "a national priority", Band.REGIONAL: "a regional priority",
             Band.LOCAL: "a local priority"}[band]
    if band == Band.NATIONAL:
        sentences.append(f"It is {label}: it scores {score:.1f}, and national priority starts at {_points(national)}.")
    elif band == Band.REGIONAL:
        sentences.append(f"It is {label}: it scores {score:.1f}; regional priority starts at {_points(regional)} "
                         f"and national at {_points(national)}.")
    else:
        sentences.append(f"It is {label}: it scores {score:.1f}, below the regional threshold of "
                         f"{_points(regional)}.")
    harms = [item for item in contributions if item.get("group") not in (
        "Likelihood", "Confidence", "Organisational position")]
    if harms:
        listed = "; ".join(f"{item['words'][0].lower()}{item['words'][1:]} ({_points(item['points'])})"
                           for item in harms)
        sentences.append(f"Harm counts {_points(harm)} points: {listed}.")
    else:
        sentences.append("Nothing in the returns shows harm from this line yet, so harm counts 0 points.")
    multipliers = {item["factor"]: item for item in contributions if "multiplier" in item}
    if "likelihood" in multipliers and "confidence" in multipliers:
        likely, sure = multipliers["likelihood"], multipliers["confidence"]
        sentences.append(
            f"Harm is multiplied by {likely['multiplier']:.2f} for likelihood ({likely['words'][0].lower()}"
            f"{likely['words'][1:]}) and by {sure['multiplier']:.2f} for confidence "
            f"({sure['words'][0].lower()}{sure['words'][1:]}).")
    position = [item for item in contributions if item.get("group") == "Organisational position"]
    if position:
        sentences.append("Organisational position: " + "; ".join(
            f"{item['words'][0].lower()}{item['words'][1:]}" + (f" (+{_points(item['points'])})" if item.get("points")
                                                                 else "") for item in position) + ".")
    if any(item.get("factor") == "children" for item in contributions):
        sentences.append("Harm comes first: the first child counts for more than everything a line's size can add, "
                         "so this line ranks above any line exploiting no child that is as current, as well "
                         "evidenced and no more harmful in other ways, however large that line is.")
    return sentences
