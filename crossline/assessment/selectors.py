"""Reads of scores, scoped to who is asking.

A line's score is shown only to someone who may see the line: through the records they may read
(linkage.selectors.entities_visible_to: a force's own, a ROCU's region's, the national centre's
every force's). PCC offices and partners see none. A force's view also counts the lines touching
its area that only other forces hold, naming the holder and nothing else.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from crossline.assessment.models import (
    BAND_ORDER,
    AssessedIdentity,
    Assessment,
    AssessmentStatus,
    LineAssessment,
    ScoringModel,
)
from crossline.linkage.models import EntityMember
from crossline.linkage.selectors import (
    EntityView,
    entities_visible_to,
    entity_view_for,
    forces_named,
    granted_forces,
    readable_forces,
)
from crossline.returns.models import Event, Line, Location, Person, RecordLink


def priority_lines(*, user, region_code: str | None = None, band: str | None = None,
                   force_code: str | None = None) -> QuerySet[LineAssessment]:
    """The latest assessment of every line `user` may see, highest score first.

    `region_code` (a Region key, e.g. "NE") keeps lines touching that region; `force_code` lines
    touching that force; `band` one priority band.
    """
    visible = entities_visible_to(user=user, kind="line").values("pk")
    rows = LineAssessment.objects.filter(is_latest=True, entity__in=visible)
    if region_code:
        rows = rows.filter(touches__region_id=region_code)
    if force_code:
        rows = rows.filter(touches__pk=force_code)
    if region_code or force_code:
        rows = rows.distinct()
    if band:
        rows = rows.filter(band=band)
    return rows.select_related("entity", "assessment__scoring_model", "network").order_by("-score", "entity_id")


@dataclass
class ScoreChange:
    now: LineAssessment  # the latest assessment
    before: LineAssessment | None  # the latest one before `since`; None for a line new since then

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def band_changed(self) -> bool:
        return self.before is not None and self.before.band != self.now.band

    @property
    def score_change(self) -> float | None:
        return None if self.before is None else round(self.now.score - self.before.score, 1)


def _as_datetime(since: date | datetime) -> datetime:
    if isinstance(since, datetime):
        return since if timezone.is_aware(since) else timezone.make_aware(since)
    return timezone.make_aware(datetime.combine(since, time.min))


def score_changes_since(*, user, since: date | datetime, region_code: str | None = None) -> list[ScoreChange]:
    """Lines `user` may see whose band or score changed since `since` (or that are new since
    then), biggest change first: bands that rose, then new lines, then by size of change."""
    moment = _as_datetime(since)
    latest = {row.entity_id: row for row in priority_lines(user=user, region_code=region_code)
              .filter(assessed_at__gte=moment)}
    if not latest:
        return []
    before: dict[int, LineAssessment] = {}
    for row in (LineAssessment.objects.filter(entity_id__in=list(latest), assessed_at__lt=moment)
                .order_by("entity_id", "-assessed_at", "-id").iterator(chunk_size=5_000)):
        before.setdefault(row.entity_id, row)
    # A line resolution gave a new entity number is found through the references it keeps.
    renumbered = [entity_id for entity_id in latest if entity_id not in before]
    if renumbered:
        for entity_id, row in _earlier_by_identity(latest_ids=[latest[pk].pk for pk in renumbered],
                                                   moment=moment).items():
            before[entity_id] = row
    changes = []
    for entity_id, now in latest.items():
        was = before.get(entity_id)
        if was is None or was.band != now.band or round(was.score, 1) != round(now.score, 1):
            changes.append(ScoreChange(now=now, before=was))
    def order(change: ScoreChange):
        rise = 0 if change.before is None else BAND_ORDER[change.now.band] - BAND_ORDER[change.before.band]
        return (-rise, not change.is_new, -abs(change.score_change or 0), -change.now.score, change.now.entity_id)

    return sorted(changes, key=order)


def _earlier_by_identity(*, latest_ids: list[int], moment: datetime) -> dict[int, LineAssessment]:
    """entity -> its most recent assessment before `moment` under any entity sharing a reference."""
    wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
    for entity_id, force, ref in AssessedIdentity.objects.filter(line_assessment_id__in=latest_ids).values_list(
            "line_assessment__entity_id", "force_code", "ref"):
        wanted[(force, ref)].add(entity_id)
    found: dict[int, LineAssessment] = {}
    refs = sorted({ref for _force, ref in wanted})
    for start in range(0, len(refs), 500):
        earlier = (AssessedIdentity.objects.filter(ref__in=refs[start:start + 500],
                                                   line_assessment__assessed_at__lt=moment)
                   .select_related("line_assessment").order_by("-line_assessment__assessed_at", "-line_assessment_id"))
        for identity in earlier:
            for entity_id in wanted.get((identity.force_code, identity.ref), ()):
                row = found.get(entity_id)
                if row is None or (identity.line_assessment.assessed_at, identity.line_assessment.pk) > (
                        row.assessed_at, row.pk):
                    found[entity_id] = identity.line_assessment
    return found


def line_assessment_for(*, user, entity_id: int) -> LineAssessment | None:
    """The latest assessment of one line, if `user` may see the line (else None: a 404)."""
    return priority_lines(user=user).filter(entity_id=entity_id).first()


def line_history(*, entity_id: int) -> QuerySet[LineAssessment]:
    """Every assessment of a line, newest first, under this entity number or an earlier one that
    shared its references. Call only for a line the user may see."""
    identities = set(EntityMember.objects.filter(entity_id=entity_id, kind="line").values_list("force_id", "ref"))
    earlier = set()
    refs = sorted({ref for _force, ref in identities})
    for start in range(0, len(refs), 500):
        earlier |= {row_id for force, ref, row_id in AssessedIdentity.objects.filter(
            ref__in=refs[start:start + 500]).values_list("force_code", "ref", "line_assessment_id")
            if (force, ref) in identities}
    return LineAssessment.objects.filter(Q(entity_id=entity_id) | Q(pk__in=earlier)).select_related(
        "assessment__scoring_model").order_by("-assessed_at", "-id")


def line_labels(*, user, entity_ids) -> dict[int, str]:
    """entity -> the line's name (or first deal number, or the reporting force's reference) from
    the newest record `user` may read."""
    entity_ids = list(entity_ids)
    forces = readable_forces(user=user)
    granted = granted_forces(user=user, entity_ids=entity_ids)
    members = EntityMember.objects.filter(kind="line", entity_id__in=entity_ids).values_list(
        "entity_id", "record_id", "force_id")
    record_entity = {record_id: entity_id for entity_id, record_id, force in members
                     if forces is None or force in forces or force in granted.get(entity_id, ())}
    labels: dict[int, str] = {}
    rows = Line.objects.filter(pk__in=list(record_entity)).order_by("-national_return__period_end").values_list(
        "pk", "line_name", "deal_numbers", "ref")
    for pk, name, numbers, ref in rows.iterator(chunk_size=5_000):
        entity_id = record_entity[pk]
        if entity_id not in labels or (name and not labels[entity_id][1]):
            labels[entity_id] = ((name or (numbers[0] if numbers else ref)), bool(name))
    return {entity_id: label for entity_id, (label, _named) in labels.items()}


def lines_held_elsewhere(*, user, force_code: str) -> list[str]:
    """For a force's own view: the forces holding lines touching `force_code` that `user` may not
    see (who to ask). Which force, never how many: need to know tells that a match exists, no more."""
    visible = set(entities_visible_to(user=user, kind="line").values_list("pk", flat=True))
    hidden = (LineAssessment.objects.filter(is_latest=True, touches__pk=force_code)
              .exclude(entity_id__in=visible).values_list("reported_by", flat=True))
    return sorted({code for reported_by in hidden for code in reported_by})


def active_scoring_model() -> ScoringModel | None:
    return ScoringModel.objects.filter(is_active=True).first()


def scoring_models() -> QuerySet[ScoringModel]:
    return ScoringModel.objects.select_related("created_by").order_by("-version")


def latest_assessment() -> Assessment | None:
    return Assessment.objects.filter(status=AssessmentStatus.FINISHED).select_related("scoring_model").first()


# --- a line's profile ---------------------------------------------------------------------------------
@dataclass
class ProfileEntry:
    when: date
    force: str
    title: str
    detail: str = ""


@dataclass
class LineProfile:
    """What the records `user` may read say about one line, for its profile page."""

    view: EntityView
    records: list  # (member, Line record), newest first
    timeline: list[ProfileEntry]
    numbers: list[dict]  # {"number", "forces", "first", "last"}
    people: list[dict]  # {"role", "people": [{"entity", "label", "child", "vulnerable", "forces"}]}
    places: list[dict]  # {"entity", "label", "kind", "forces"}
    events: list[dict]  # {"date", "kind", "force", "weapon", "drug"}
    record_ids: dict[str, list[int]]  # kind -> record ids shown (for the audit record)


ROLE_WORDS = {"line_holder": "Line holders", "controller": "Controllers", "runner": "Runners",
              "recruiter": "Recruiters", "enforcer": "Enforcers", "user": "Drug users",
              "cuckooed_occupant": "Cuckooed occupants", "associate": "Associates"}
PLACE_WORDS = {"cuckooed_address": "Cuckooed address", "trap_house": "Trap house", "stash": "Stash",
               "deal_site": "Deal site", "hotel": "Hotel", "transport_hub": "Transport hub", "other": "Other place"}
EVENT_WORDS = {"violence": "Violence", "weapon_seizure": "Weapon seized", "drug_seizure": "Drugs seized",
               "cash_seizure": "Cash seized", "arrest": "Arrest", "charge": "Charge",
               "missing_episode": "Missing episode", "cuckooing_report": "Cuckooing reported",
               "nrm_referral": "NRM referral", "safeguarding_referral": "Safeguarding referral", "other": "Other"}
STATUS_WORDS = {"active": "active", "dormant": "dormant", "closed": "closed"}


def line_profile(*, user, entity_id: int) -> LineProfile | None:
    """The line as `user` may see it, or None (a 404)."""
    view = entity_view_for(user=user, entity_id=entity_id)
    if view is None or view.entity.kind != "line":
        return None
    records = sorted(view.records, key=lambda item: (item[0].national_return.period_end, item[0].force_id),
                     reverse=True)
    names = forces_named()
    timeline: list[ProfileEntry] = []
    numbers: dict[str, dict] = {}
    refs_by_return: dict[int, set[str]] = defaultdict(set)
    for member, line in records:
        period_end = member.national_return.period_end
        refs_by_return[member.national_return_id].add(member.ref)
        force = names[member.force_id].force_name if member.force_id in names else member.force_id
        status = STATUS_WORDS.get(line.status, line.status)
        detail = f"Reported as {status}" + (f", trading as {line.line_name}" if line.line_name else "")
        if line.importing_force_codes:
            detail += ", supplying " + ", ".join(names[code].name if code in names else code
                                                 for code in line.importing_force_codes)
        timeline.append(ProfileEntry(period_end, force, f"{force} return to {period_end:%-d %B %Y}", detail))
        for number in line.deal_numbers or []:
            entry = numbers.setdefault(number, {"number": number, "forces": set(), "first": period_end,
                                                "last": period_end})
            entry["forces"].add(names[member.force_id].name if member.force_id in names else member.force_id)
            entry["first"], entry["last"] = min(entry["first"], period_end), max(entry["last"], period_end)
    tied: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for return_id, refs in refs_by_return.items():
        for from_sheet, from_ref in RecordLink.objects.filter(national_return_id=return_id, to_sheet="lines",
                                                              to_ref__in=sorted(refs)).values_list(
                "from_sheet", "from_ref"):
            tied[from_sheet].add((return_id, from_ref))
    # Events reported against the line's people (a runner's missing episode) belong on its timeline too.
    people_by_return: dict[int, set[str]] = defaultdict(set)
    for return_id, ref in tied["people"]:
        people_by_return[return_id].add(ref)
    for return_id, refs in people_by_return.items():
        for from_ref in RecordLink.objects.filter(national_return_id=return_id, from_sheet="events", to_sheet="people",
                                                  to_ref__in=sorted(refs)).values_list("from_ref", flat=True):
            tied["events"].add((return_id, from_ref))
    people, person_ids = _people(tied["people"], names)
    places, place_ids = _places(tied["locations"], names)
    events, event_ids = _events(tied["events"], names)
    for item in events:
        timeline.append(ProfileEntry(item["date"], item["force"], f"{item['kind']}, reported by {item['force']}",
                                     item["detail"]))
    timeline.sort(key=lambda entry: entry.when, reverse=True)
    return LineProfile(
        view=view, records=records, timeline=timeline,
        numbers=sorted(({**entry, "forces": sorted(entry["forces"])} for entry in numbers.values()),
                       key=lambda entry: entry["last"], reverse=True),
        people=people, places=places, events=events,
        record_ids={"line": [line.pk for _m, line in records], "person": person_ids, "location": place_ids,
                    "event": event_ids})


def _records_by_key(model, keys: set[tuple[int, str]], columns: tuple[str, ...]) -> list[dict]:
    by_return: dict[int, set[str]] = defaultdict(set)
    for return_id, ref in keys:
        by_return[return_id].add(ref)
    rows = []
    for return_id, refs in by_return.items():
        rows += list(model.objects.filter(national_return_id=return_id, ref__in=sorted(refs)).values(
            "pk", "national_return_id", "national_return__force_id", "national_return__period_end", *columns))
    return rows


def _people(keys, names) -> tuple[list[dict], list[int]]:
    rows = _records_by_key(Person, keys, ("forenames", "surname", "aliases", "roles", "is_child", "vulnerable",
                                          "vulnerability_factors"))
    entity_of = dict(EntityMember.objects.filter(kind="person", record_id__in=[row["pk"] for row in rows])
                     .values_list("record_id", "entity_id"))
    by_entity: dict[int, dict] = {}
    for row in sorted(rows, key=lambda row: row["national_return__period_end"], reverse=True):
        key = entity_of.get(row["pk"], -row["pk"])
        label = " ".join(part for part in (row["forenames"], row["surname"]) if part) or ", ".join(
            row["aliases"] or []) or "(no name given)"
        person = by_entity.setdefault(key, {"entity": key if key > 0 else None, "label": label, "roles": set(),
                                            "child": False, "vulnerable": False, "factors": set(), "forces": set()})
        person["roles"].update(row["roles"] or [])
        person["child"] |= bool(row["is_child"]) or "under_18" in (row["vulnerability_factors"] or [])
        person["vulnerable"] |= bool(row["vulnerable"])
        person["factors"].update(row["vulnerability_factors"] or [])
        force = row["national_return__force_id"]
        person["forces"].add(names[force].name if force in names else force)
    groups = []
    for role, title in ROLE_WORDS.items():
        members = sorted((person for person in by_entity.values() if role in person["roles"]),
                         key=lambda person: (not person["child"], not person["vulnerable"], person["label"]))
        if members:
            groups.append({"role": title, "people": [
                {**person, "forces": sorted(person["forces"]),
                 "factors": sorted(factor.replace("_", " ") for factor in person["factors"] if factor != "under_18")}
                for person in members]})
    return groups, [row["pk"] for row in rows]


def _places(keys, names) -> tuple[list[dict], list[int]]:
    rows = _records_by_key(Location, keys, ("type", "address", "postcode"))
    entity_of = dict(EntityMember.objects.filter(kind="location", record_id__in=[row["pk"] for row in rows])
                     .values_list("record_id", "entity_id"))
    by_entity: dict[int, dict] = {}
    for row in sorted(rows, key=lambda row: row["national_return__period_end"], reverse=True):
        key = entity_of.get(row["pk"], -row["pk"])
        place = by_entity.setdefault(key, {"entity": key if key > 0 else None,
                                           "label": row["address"] or row["postcode"] or "(no address given)",
                                           "postcode": row["postcode"],
                                           "kind": PLACE_WORDS.get(row["type"], row["type"]), "forces": set()})
        force = row["national_return__force_id"]
        place["forces"].add(names[force].name if force in names else force)
    return ([{**place, "forces": sorted(place["forces"])} for place in
             sorted(by_entity.values(), key=lambda place: (place["kind"], place["label"]))],
            [row["pk"] for row in rows])


def _events(keys, names) -> tuple[list[dict], list[int]]:
    rows = _records_by_key(Event, keys, ("date", "type", "weapon", "drug", "quantity_grams", "cash_gbp"))
    events = []
    for row in sorted(rows, key=lambda row: row["date"], reverse=True):
        force = row["national_return__force_id"]
        parts = []
        if row["weapon"]:
            parts.append(f"weapon: {row['weapon']}")
        if row["drug"]:
            parts.append(f"drug: {row['drug'].replace('_', ' ')}"
                         + (f", {row['quantity_grams'].normalize():f} g" if row["quantity_grams"] is not None else ""))
        if row["cash_gbp"] is not None:
            parts.append(f"cash: £{row['cash_gbp']:,.2f}")
        events.append({"date": row["date"], "kind": EVENT_WORDS.get(row["type"], row["type"]),
                       "force": names[force].name if force in names else force, "detail": "; ".join(parts)})
    return events, [row["pk"] for row in rows]
