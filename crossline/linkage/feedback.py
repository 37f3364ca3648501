"""What each force gets back from a run (two-way benefit): which of its records other forces
hold too, children it reported as vulnerable whom others report as offenders (and the reverse),
lines it reports importing that another force reports exporting, and what changed since its
last report. Figures and entity numbers only: the force's users open the entities, which show
what need to know allows.
"""

from collections import defaultdict

from django.utils import timezone

from crossline.linkage.models import Entity, EntityMember, ForceFeedback, LinkRun
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
    shared = Entity.objects.filter(is_active=True, member_count__gt=1)
    entity_ids = [pk for pk, forces in shared.values_list("pk", "force_codes") if len(forces) > 1]
    members = defaultdict(list)
    for start in range(0, len(entity_ids), 900):
        for entity_id, kind, record_id, force in EntityMember.objects.filter(
                entity_id__in=entity_ids[start:start + 900]).values_list("entity_id", "kind", "record_id", "force_id"):
            members[entity_id].append((kind, record_id, force))
    return members


def _records(model, ids: list[int], columns: tuple) -> dict[int, tuple]:
    found = {}
    for start in range(0, len(ids), 900):
        for row in model.objects.filter(pk__in=ids[start:start + 900]).values_list("pk", *columns):
            found[row[0]] = row[1:]
    return found


def feedback_compute() -> dict[str, dict[str, list[int]]]:
    """force -> section -> entity ids."""
    members = _shared_members()
    people = _records(Person, [record for items in members.values() for kind, record, _ in items
                               if kind == "person"], ("vulnerable", "is_child", "roles"))
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
