"""What each force gets back from a run (two-way benefit): which of its records other forces
hold too, children it reported as vulnerable whom others report as offenders (and the reverse),
lines it reports importing that another force reports exporting, and what changed since its
last report. Figures and entity numbers only: the force's users open the entities, which show
what need to know allows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crossline.linkage.models import Entity, EntityMember, ForceFeedback, LinkRun
from crossline.reference.models import PoliceForce
from crossline.returns.models import Line, Person

# Roles that make someone an offender in a county line, rather than exploited by it.
OFFENDER_ROLES = frozenset({"line_holder", "controller", "recruiter", "enforcer"})
SECTIONS = {
    "shared": "Your records that other forces hold too",
    "vulnerable_here_offender_elsewhere": "Children you report as vulnerable whom another force reports as an offender",
    "offender_here_vulnerable_elsewhere": "People you report as offenders whom another force reports as a vulnerable child",
    "imported_here_exported_elsewhere": "Lines you report coming into your area that another force reports sending out",
    "newly_shared": "Newly shared since your last report",
    "no_longer_shared": "No longer shared since your last report",
}


def _shared_members():
    """Members of every entity that more than one force reports."""
    # One query over the members of every entity with more than one (at a million records, one
    # query per 900 entities and decoding every entity's force list cost seconds); entities
    # whose members are all one force's are left out here.
    members = defaultdict(list)
    for entity_id, kind, record_id, force in EntityMember.objects.filter(
            entity__is_active=True, entity__member_count__gt=1).values_list(
            "entity_id", "kind", "record_id", "force_id").iterator(chunk_size=20_000):
        members[entity_id].append((kind, record_id, force))
    return {entity_id: items for entity_id, items in members.items()
            if len({force for _kind, _record, force in items}) > 1}


def _records(model, ids: list[int], columns: tuple, *, only: Q | None = None) -> dict[int, tuple]:
    found = {}
    if only is not None:
        # The few records that count, of current returns (members are never of others), in one
        # query; rather than a query per 900 of the (at national scale, hundreds of thousands) ids.
        wanted = set(ids)
        for row in model.objects.filter(only, national_return__is_current=True).values_list("pk", *columns).iterator(
                chunk_size=20_000):
            if row[0] in wanted:
                found[row[0]] = row[1:]
        return found
    for start in range(0, len(ids), 900):
        for row in model.objects.filter(pk__in=ids[start:start + 900]).values_list("pk", *columns):
            found[row[0]] = row[1:]
    return found


# The only people whose records the sections below need (a prefilter: roles are checked exactly
# afterwards): vulnerable children, and anyone whose roles name an offender role.
_PEOPLE_THAT_COUNT = reduce(or_, (Q(roles__icontains=f'"{role}"') for role in sorted(OFFENDER_ROLES)),
                            Q(vulnerable=True, is_child=True))


def feedback_compute() -> dict[str, dict[str, list[int]]]:
    """force -> section -> entity ids."""
    members = _shared_members()
    people = _records(Person, [record for items in members.values() for kind, record, _ in items
                               if kind == "person"], ("vulnerable", "is_child", "roles"), only=_PEOPLE_THAT_COUNT)
    lines = _records(Line, [record for items in members.values() for kind, record, _ in items if kind == "line"],
                     ("exporting_force_id", "importing_force_codes"))
    sections: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for entity_id, items in members.items():
        forces = {force for _kind, _record, force in items}
        for force in forces:
            sections[force]["shared"].add(entity_id)
        kind = items[0][0]
        if kind == "person":
            child_victim = {force for _k, record, force in items if people.get(record, (False, False, []))[0]
                            and people[record][1]}
            offender = {force for _k, record, force in items if OFFENDER_ROLES & set(people.get(record, (0, 0, []))[2])}
            for force in child_victim:
                if offender - {force}:
                    sections[force]["vulnerable_here_offender_elsewhere"].add(entity_id)
            for force in offender:
                if child_victim - {force}:
                    sections[force]["offender_here_vulnerable_elsewhere"].add(entity_id)
        elif kind == "line":
            importing = {force for _k, record, force in items if force in (lines.get(record, (None, []))[1] or [])}
            exporting = {force for _k, record, force in items if lines.get(record, (None, []))[0] == force}
            for force in importing:
                if exporting - {force}:
                    sections[force]["imported_here_exported_elsewhere"].add(entity_id)
    return {force: {name: sorted(ids) for name, ids in by_section.items()} for force, by_section in sections.items()}


@transaction.atomic
def feedback_write(*, run: LinkRun) -> int:
    """One report per force with records, beside its previous one; returns how many."""
    computed = feedback_compute()
    forces = set(computed) | set(EntityMember.objects.values_list("force_id", flat=True).distinct())
    now = timezone.now()
    reports = []
    for force in sorted(forces):
        items = {name: computed.get(force, {}).get(name, []) for name in SECTIONS if name not in
                 ("newly_shared", "no_longer_shared")}
        previous = ForceFeedback.objects.filter(force_id=force).order_by("-created_at", "-id").first()
        before = set(previous.items.get("shared", [])) if previous else set()
        now_shared = set(items["shared"])
        items["newly_shared"] = sorted(now_shared - before) if previous else []
        items["no_longer_shared"] = sorted(before - now_shared) if previous else []
        figures = {name: len(ids) for name, ids in items.items()}
        reports.append(ForceFeedback(run=run, force_id=force, created_at=now, figures=figures, items=items))
    ForceFeedback.objects.bulk_create(reports)
    return len(reports)


def feedback_after_run(*, run: LinkRun) -> int:
    """The reports for a run on one return, written after it (tasks.feedback_refresh); none if
    they are there already (a retry) or a later run has written its own: an older picture must
    not follow a newer one, whose "newly shared" would then be lost."""
    if ForceFeedback.objects.filter(run_id__gte=run.pk).exists():
        return 0
    return feedback_write(run=run)


# --- a force's report, as one user may see it -------------------------------------------------------
@dataclass
class FeedbackRow:
    entity: int
    kind: str
    own_refs: list[str]  # the force's own references, if the user may read its records
    others: list[str]  # names of the other forces that report the entity (never their records)
    linked: bool  # the user may open the entity page


@dataclass
class FeedbackSection:
    name: str
    title: str
    count: int
    rows: list[FeedbackRow] = field(default_factory=list)


@dataclass
class FeedbackReport:
    police_force: PoliceForce
    feedback: ForceFeedback | None
    sections: list[FeedbackSection]
    shows_refs: bool


def feedback_report(*, user, police_force: PoliceForce, limit: int | None = None) -> FeedbackReport:
    """The latest report for `police_force` as `user` may see it: counts, and for each entity its
    kind, the force's own references (only if `user` may read that force's records) and which
    other forces report it. What other forces hold is never shown, only that they hold it
    (need to know), so the report may go to the force whatever the user may read elsewhere."""
    from crossline.linkage.selectors import entities_visible_to, readable_forces

    report = ForceFeedback.objects.filter(force=police_force).select_related("run").first()
    readable = readable_forces(user=user)
    shows_refs = readable is None or police_force.pk in readable
    if report is None:
        return FeedbackReport(police_force, None, [FeedbackSection(name, title, 0) for name, title in
                                                   SECTIONS.items()], shows_refs)
    chosen = {name: report.items.get(name, [])[:limit] for name in SECTIONS}
    ids = sorted({pk for items in chosen.values() for pk in items})
    kinds, force_codes = {}, {}
    for start in range(0, len(ids), 900):
        for pk, kind, codes in Entity.objects.filter(pk__in=ids[start:start + 900]).values_list(
                "pk", "kind", "force_codes"):
            kinds[pk], force_codes[pk] = kind, codes
    refs: dict[int, set[str]] = defaultdict(set)
    if shows_refs:
        for start in range(0, len(ids), 900):
            for entity_id, ref in EntityMember.objects.filter(entity_id__in=ids[start:start + 900],
                                                              force=police_force).values_list("entity_id", "ref"):
                refs[entity_id].add(ref)
    openable = set()
    for start in range(0, len(ids), 900):
        openable |= set(entities_visible_to(user=user).filter(pk__in=ids[start:start + 900]).values_list(
            "pk", flat=True))
    named = {force.pk: force.force_name for force in PoliceForce.objects.all()}
    sections = []
    for name, title in SECTIONS.items():
        rows = [FeedbackRow(pk, kinds.get(pk, ""), sorted(refs.get(pk, ())),
                            [named.get(code, code) for code in force_codes.get(pk, []) if code != police_force.pk],
                            pk in openable) for pk in chosen[name]]
        sections.append(FeedbackSection(name, title, report.figures.get(name, len(report.items.get(name, []))),
                                        rows))
    return FeedbackReport(police_force, report, sections, shows_refs)
