"""Crossover in figures and as a network.

The matrices count entities, never show them: which forces hold the same lines, people and
places. Anyone who may see returns or aggregate figures may see them. The network of a line
is personal data: it is drawn only from records the user may read (selectors.readable_forces,
plus what holding forces have agreed to show them).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from crossline.linkage.models import Entity, EntityMember
from crossline.linkage.selectors import granted_forces, readable_forces
from crossline.returns.models import Line, Location, Person, RecordLink, Vehicle


def _active(kind: str):
    return Entity.objects.filter(kind=kind, is_active=True)


def _shared_pairs(entities) -> Counter:
    pairs: Counter = Counter()
    for forces in entities:
        for left in forces:
            for right in forces:
                if left != right:
                    pairs[(left, right)] += 1
    return pairs


def reported_by_both(kind: str) -> Counter:
    """(force A, force B) -> entities of `kind` both report (symmetric)."""
    return _shared_pairs(forces for forces in _active(kind).filter(member_count__gt=1).values_list(
        "force_codes", flat=True).iterator(chunk_size=20_000) if len(forces) > 1)


def vulnerable_reported_by_both() -> Counter:
    """(A, B) -> people both report, whom at least one force reports as vulnerable."""
    shared = {pk: forces for pk, forces in _active("person").filter(member_count__gt=1).values_list(
        "pk", "force_codes").iterator(chunk_size=20_000) if len(forces) > 1}
    vulnerable = set()
    ids = list(shared)
    for start in range(0, len(ids), 900):
        members = EntityMember.objects.filter(entity_id__in=ids[start:start + 900], kind="person")
        person_ids = dict(members.values_list("record_id", "entity_id"))
        for start_records in range(0, len(person_ids), 900):
            chunk = list(person_ids)[start_records:start_records + 900]
            for record_id in Person.objects.filter(pk__in=chunk, vulnerable=True).values_list("pk", flat=True):
                vulnerable.add(person_ids[record_id])
    return _shared_pairs(shared[pk] for pk in vulnerable)


def lines_exported() -> Counter:
    """(exporting force, importing force) -> line entities that some force reports going from
    the one into the other."""
    exports: dict[int, set[str]] = defaultdict(set)
    imports: dict[int, set[str]] = defaultdict(set)
    members = EntityMember.objects.filter(kind="line")
    line_entity = dict(members.values_list("record_id", "entity_id").iterator(chunk_size=20_000))
    ids = list(line_entity)
    for start in range(0, len(ids), 900):
        for pk, exporting, importing in Line.objects.filter(pk__in=ids[start:start + 900]).values_list(
                "pk", "exporting_force_id", "importing_force_codes"):
            exports[line_entity[pk]].add(exporting)
            imports[line_entity[pk]].update(importing or ())
    pairs: Counter = Counter()
    for entity, exporters in exports.items():
        for exporter in exporters:
            for importer in imports[entity] - {exporter}:
                pairs[(exporter, importer)] += 1
    return pairs


MATRIX_SOURCES = {"lines": lines_exported, "people": lambda: reported_by_both("person"),
                  "vulnerable": vulnerable_reported_by_both, "locations": lambda: reported_by_both("location")}


def matrix(show: str) -> tuple[list[str], dict[tuple[str, str], int]]:
    """The forces with any crossover of this kind (in code order) and the counts between them."""
    pairs = MATRIX_SOURCES[show]()
    forces = sorted({force for pair in pairs for force in pair})
    return forces, dict(pairs)


def force_crossover(force: str) -> list[dict]:
    """For one force: each other force and what the two share, busiest first."""
    exported, rows = lines_exported(), defaultdict(Counter)
    for (exporter, importer), count in exported.items():
        if exporter == force:
            rows[importer]["lines_out"] += count
        if importer == force:
            rows[exporter]["lines_in"] += count
    for kind, name in (("person", "people"), ("location", "locations"), ("vehicle", "vehicles")):
        for (left, right), count in reported_by_both(kind).items():
            if left == force:
                rows[right][name] += count
    for (left, right), count in vulnerable_reported_by_both().items():
        if left == force:
            rows[right]["vulnerable"] += count
    return sorted(({"force": other, **counts} for other, counts in rows.items()),
                  key=lambda row: (-sum(value for name, value in row.items() if name != "force"), row["force"]))


# --- a line's network ------------------------------------------------------------------------------
@dataclass
class Network:
    nodes: dict = field(default_factory=dict)  # "kind-entity" -> {"id", "kind", "label", "forces"}
    edges: set = field(default_factory=set)  # (node id, node id)


RECORD_LABELS = {
    "person": (Person, lambda row: " ".join(part for part in (row["forenames"], row["surname"]) if part)
               or ", ".join(row["aliases"] or []) or row["ref"], ("forenames", "surname", "aliases", "ref")),
    "location": (Location, lambda row: row["address"] or row["postcode"] or row["ref"], ("address", "postcode", "ref")),
    "vehicle": (Vehicle, lambda row: row["vrm"], ("vrm",)),
    "line": (Line, lambda row: row["line_name"] or row["ref"], ("line_name", "ref")),
}
SHEET_KIND = {"people": "person", "locations": "location", "vehicles": "vehicle", "lines": "line"}


def line_network(*, user, entity: Entity) -> Network:
    """The people, places and vehicles that the records `user` may read tie to this line."""
    readable = readable_forces(user=user)
    granted = granted_forces(user=user)
    line_members = list(EntityMember.objects.filter(entity=entity).values_list("national_return_id", "force_id",
                                                                               "ref", "record_id"))
    may = [(return_id, force, ref) for return_id, force, ref, _ in line_members
           if readable is None or force in readable or force in granted.get(entity.pk, ())]
    network = Network()
    centre = f"line-{entity.pk}"
    network.nodes[centre] = {"id": centre, "kind": "line", "label": _label("line", [
        record_id for return_id, force, ref, record_id in line_members if (return_id, force, ref) in set(may)]),
        "forces": entity.force_codes, "entity": entity.pk}
    by_return = defaultdict(set)
    for return_id, _force, ref in may:
        by_return[return_id].add(ref)
    linked: dict[tuple[str, int], set[str]] = defaultdict(set)  # (kind, return) -> refs
    for return_id, refs in by_return.items():
        for from_sheet, from_ref in RecordLink.objects.filter(national_return_id=return_id, to_sheet="lines",
                                                              to_ref__in=refs).values_list("from_sheet", "from_ref"):
            if from_sheet in SHEET_KIND:
                linked[(SHEET_KIND[from_sheet], return_id)].add(from_ref)
    for (kind, return_id), refs in linked.items():
        for entity_id, record_id in EntityMember.objects.filter(kind=kind, national_return_id=return_id,
                                                                ref__in=refs).values_list("entity_id", "record_id"):
            node = f"{kind}-{entity_id}"
            network.nodes.setdefault(node, {"id": node, "kind": kind, "entity": entity_id, "records": []})
            network.nodes[node]["records"].append(record_id)
            network.edges.add((centre, node))
    entities = Entity.objects.in_bulk([item["entity"] for item in network.nodes.values()])
    for node in network.nodes.values():
        if "records" in node:
            node["label"] = _label(node["kind"], node.pop("records"))
            node["forces"] = entities[node["entity"]].force_codes if node["entity"] in entities else []
    return network


def _label(kind: str, record_ids: list[int]) -> str:
    model, make, columns = RECORD_LABELS[kind]
    row = model.objects.filter(pk__in=record_ids).order_by("-national_return__period_end").values(*columns).first()
    return make(row) if row else "(not shown)"
