"""Writing a run's clusters as entities: only what changed, keeping entity numbers stable.

A cluster keeps the entity that most of its identities were in before (so an analyst's link,
a bookmark or an access request still points at the same person next month); a cluster with
no past gets a new entity; an entity left with nothing is retired, pointing at the entity that
took most of it. Members and links are compared with what is stored and only the difference is
written, so a full run over unchanged data writes almost nothing.

Called inside the run's transaction by runs.py; nothing here is audited on its own.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection
from django.utils import timezone

from crossline.linkage.engine.clustering import Link
from crossline.linkage.engine.records import Key, Snapshot
from crossline.linkage.engine.resolve import KindResult
from crossline.linkage.models import Entity, EntityLink, EntityMember, LinkHow, LinkRun
from crossline.returns.bulk import Table, indexes_built_after, write_rows

BATCH = 5_000
# A first run creates an entity, a member and a link per record or so: millions of rows, written
# with the returns' bulk writer (COPY on PostgreSQL, executemany on SQLite), not bulk_create.
ENTITIES = Table(Entity, ("kind", "is_active", "created_run", "updated_run", "created_at", "updated_at",
                          "force_codes", "member_count"))
MEMBERS = Table(EntityMember, ("entity", "kind", "record_id", "national_return", "force", "ref", "how", "run"))
LINKS = Table(EntityLink, ("entity", "kind", "left_force", "left_ref", "right_force", "right_ref", "how", "evidence",
                           "left_entity_before", "right_entity_before", "run", "created_at"))


def _moment(now) -> object:
    return connection.ops.adapt_datetimefield_value(now)


def entities_create(*, kind: str, run: LinkRun, now, shapes: list[tuple[list[str], int]]) -> list[int]:
    """New entities with their forces and member counts; their ids, in the order given."""
    if not shapes:
        return []
    before = Entity.objects.order_by("-id").values_list("id", flat=True).first() or 0
    moment = _moment(now)
    # Forces lists repeat (most entities are one force's): each distinct list is encoded once.
    encoded: dict[tuple, str] = {}

    def forces_json(forces: list[str]) -> str:
        key = tuple(forces)
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = json.dumps(forces)
        return text

    write_rows(ENTITIES, ((kind, True, run.pk, run.pk, moment, moment, forces_json(forces), count)
                          for forces, count in shapes))
    # One writer inserts these in order within the run's transaction: their ids ascend likewise.
    ids = list(Entity.objects.filter(id__gt=before, created_run=run, kind=kind).order_by("id")
               .values_list("id", flat=True)[:len(shapes)])
    if len(ids) != len(shapes):
        raise RuntimeError("New entities could not be matched to their clusters.")
    return ids


def _evidence(link: Link) -> dict:
    evidence = dict(link.evidence)
    if link.how == "probabilistic":
        evidence.setdefault("match_weight", round(link.weight, 3))
    return evidence


def link_from_row(row: EntityLink, index: dict[Key, int]) -> Link | None:
    """A stored link as the clustering sees it (its strength from its evidence)."""
    left, right = index.get((row.left_force_id, row.left_ref)), index.get((row.right_force_id, row.right_ref))
    if left is None or right is None:
        return None
    weight = row.evidence.get("match_weight", float("inf")) if row.how == LinkHow.PROBABILISTIC else float("inf")
    how = row.how if row.how in (LinkHow.ANALYST, LinkHow.IDENTIFIER, LinkHow.PROBABILISTIC) else "identifier"
    return Link(min(left, right), max(left, right), how, weight, tuple(sorted(row.evidence.items())))


def _attach_order(members: list[int], links: list[Link]) -> dict[int, str]:
    """How each identity came into its entity: the first is "alone", the rest by the link that
    reached them walking the spanning tree from the first."""
    if len(members) == 1:
        return {members[0]: LinkHow.ALONE.value}
    adjacent: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for link in links:
        adjacent[link.left].append((link.right, link.how))
        adjacent[link.right].append((link.left, link.how))
    start = min(members)
    how = {start: LinkHow.ALONE.value}
    stack = [start]
    while stack:
        node = stack.pop()
        for other, link_how in adjacent[node]:
            if other not in how:
                how[other] = link_how
                stack.append(other)
    for node in members:
        how.setdefault(node, LinkHow.ALONE.value)
    return how


def clusters_store(*, run: LinkRun, result: KindResult, scope: Iterable[int] | None = None,
                   full: bool = False) -> dict:
    """Store `result`'s clusters (all of them, or those holding the identities in `scope`).

    With `full`, records of this kind that are no longer in any current return lose their
    membership too."""
    kind, snapshot, clustering = result.kind, result.snapshot, result.clustering
    now = timezone.now()
    wanted = None if scope is None else set(scope)
    clusters = [(root, members) for root, members in clustering.members.items()
                if wanted is None or wanted.intersection(members)]
    if wanted is None:
        records = snapshot.records
    else:
        in_scope = {node for _root, members in clusters for node in members}
        records = [record for record in snapshot.records if record.identity in in_scope]
    record_ids = [record.pk for record in records]

    existing: dict[int, tuple[int, int, str]] = {}  # record id -> (member id, entity id, how)
    stored = EntityMember.objects.filter(kind=kind)
    rows = (stored.values_list("record_id", "id", "entity_id", "how").iterator(chunk_size=20_000) if full
            else _in_batches(stored, "record_id", record_ids, ("record_id", "id", "entity_id", "how")))
    for record_id, member_id, entity_id, how in rows:
        existing[record_id] = (member_id, entity_id, how)
    # identity -> {entity it was in: how many of its records}. Plain dicts: at a million
    # records a Counter each costs more than the rest of this function.
    identity_entity: dict[int, dict[int, int]] = {}
    for record in records:
        old = existing.get(record.pk)
        if old is not None:
            counts = identity_entity.get(record.identity)
            if counts is None:
                identity_entity[record.identity] = {old[1]: 1}
            else:
                counts[old[1]] = counts.get(old[1], 0) + 1

    # Entity numbers: the biggest clusters choose first.
    taken: set[int] = set()
    entity_of_root: dict[int, int] = {}
    new_roots = []
    for root, members in sorted(clusters, key=lambda item: (-len(item[1]), item[0])):
        if len(members) == 1:  # most clusters: one identity, usually in one entity before
            counts = identity_entity.get(members[0])
            votes = None if counts is None else (counts if len(counts) == 1 else Counter(counts))
        else:
            votes = Counter()
            for node in members:
                counts = identity_entity.get(node)
                if counts is not None:
                    votes.update(counts)
        if not votes:  # a cluster of records never stored (every one, on a first run)
            new_roots.append(root)
            continue
        ranked = [entity for entity, _count in votes.most_common()] if isinstance(votes, Counter) else list(votes)
        choice = next((entity for entity in ranked if entity not in taken), None)
        if choice is None:
            new_roots.append(root)
        else:
            taken.add(choice)
            entity_of_root[root] = choice
    by_identity: dict[int, list] = defaultdict(list)
    for record in records:
        by_identity[record.identity].append(record)
    keys = snapshot.keys
    shape = {root: (([keys[members[0]][0]], len(by_identity[members[0]])) if len(members) == 1 else
                    (sorted({keys[node][0] for node in members}), sum(len(by_identity[node]) for node in members)))
             for root, members in clusters}
    created = entities_create(kind=kind, run=run, now=now, shapes=[shape[root] for root in new_roots])
    for root, entity_id in zip(new_roots, created, strict=True):
        entity_of_root[root] = entity_id

    # Members.
    to_create, moves = [], defaultdict(list)
    keys, spanning = snapshot.keys, clustering.spanning
    # Plain strings and ints, looked up once: this loop runs once per record, and the database
    # driver binds an exact str faster than a str enum.
    run_id, alone, own_ref = run.pk, LinkHow.ALONE.value, LinkHow.OWN_REF.value
    for root, members in clusters:
        entity_id = entity_of_root[root]
        attached = None if len(members) == 1 else _attach_order(members, spanning.get(root, ()))
        for node in members:
            force, ref = keys[node]
            own = by_identity[node]
            if len(own) > 1:
                own = sorted(own, key=lambda record: record.pk)
            first = alone if attached is None else attached[node]
            for position, record in enumerate(own):
                how = first if position == 0 else own_ref
                old = existing.get(record.pk)
                if old is None:
                    to_create.append((entity_id, kind, record.pk, record.return_id, force, ref, how, run_id))
                elif old[1] != entity_id or old[2] != how:
                    moves[(entity_id, how)].append(old[0])
    # In record order: the (kind, record) unique index then grows at its end, page by page.
    to_create.sort(key=lambda row: row[2])
    with indexes_built_after(EntityMember, adding=len(to_create)):
        added = write_rows(MEMBERS, to_create)
    del to_create[:]
    # Grouped by destination: one UPDATE per (entity, how) rather than a CASE per row.
    for (entity_id, how), member_ids in moves.items():
        for start in range(0, len(member_ids), 900):
            EntityMember.objects.filter(id__in=member_ids[start:start + 900]).update(entity_id=entity_id, how=how,
                                                                                   run=run)
    gone = []
    if full:
        current = {record.pk for record in snapshot.records}
        gone = [member_id for record_id, (member_id, _entity, _how) in existing.items() if record_id not in current]
        for start in range(0, len(gone), 900):
            EntityMember.objects.filter(id__in=gone[start:start + 900]).delete()

    _links_store(run=run, kind=kind, snapshot=snapshot, clusters=clusters, entity_of_root=entity_of_root,
                 spanning=clustering.spanning, previous=identity_entity, full=full, now=now)
    # Where each old entity's identities went: a retired entity points at the one that took most.
    successors: dict[int, Counter] = defaultdict(Counter)
    for root, members in clusters:
        for node in members:
            for old_entity, count in identity_entity.get(node, {}).items():
                successors[old_entity][entity_of_root[root]] += count
    old_entities = {entity for _member, entity, _how in existing.values()}
    retired = _entities_update(run=run, now=now, kind=kind, full=full, kept={entity_of_root[root]: shape[root] for root, _ in clusters
                                                       if entity_of_root[root] in taken},
                               retired={old: (successors[old].most_common(1)[0][0] if successors.get(old) else None)
                                        for old in old_entities - taken})
    moved = sum(len(member_ids) for member_ids in moves.values())
    return {"entities_created": len(created), "members_added": added, "members_moved": moved,
            "members_removed": len(gone), "entities_retired": retired,
            "entity_of": {node: entity_of_root[root] for root, members in clusters for node in members}}


def _in_batches(queryset, field: str, values: list, columns: tuple):
    for start in range(0, len(values), 900):
        yield from queryset.filter(**{f"{field}__in": values[start:start + 900]}).values_list(*columns)


def _mostly_in(counts: dict[int, int] | None) -> int | None:
    """The entity holding most of an identity's records before (the first such, on a tie)."""
    if not counts:
        return None
    return max(counts.items(), key=lambda item: item[1])[0]


def _links_store(*, run, kind, snapshot: Snapshot, clusters, entity_of_root, spanning, previous, full, now) -> set:
    keys = snapshot.keys
    entities = set(entity_of_root.values())
    stored = EntityLink.objects.filter(kind=kind)
    if not full:
        stored = stored.filter(entity_id__in=entities)
    existing = {}
    for row in stored.values_list("id", "entity_id", "left_force_id", "left_ref", "right_force_id", "right_ref",
                                  "how").iterator(chunk_size=20_000):
        pair = frozenset(((row[2], row[3]), (row[4], row[5])))
        existing[pair] = (row[0], row[1], row[6])
    wanted = {}
    for root, _members in clusters:
        for link in spanning.get(root, []):
            wanted[frozenset((keys[link.left], keys[link.right]))] = (root, link)
    changed = set()
    remove = [value[0] for pair, value in existing.items() if pair not in wanted]
    changed.update(value[1] for pair, value in existing.items() if pair not in wanted)
    moved: dict[int, list[int]] = defaultdict(list)
    to_create = []
    moment = _moment(now)
    for pair, (root, link) in wanted.items():
        entity_id = entity_of_root[root]
        old = existing.get(pair)
        if old is not None:
            if old[1] != entity_id:
                moved[entity_id].append(old[0])
                changed.update((old[1], entity_id))
            continue
        (left_force, left_ref), (right_force, right_ref) = keys[link.left], keys[link.right]
        left_before, right_before = _mostly_in(previous.get(link.left)), _mostly_in(previous.get(link.right))
        joined_two = left_before is not None and right_before is not None and left_before != right_before
        to_create.append((entity_id, kind, left_force, left_ref, right_force, right_ref, link.how,
                          json.dumps(_evidence(link)), left_before if joined_two else None,
                          right_before if joined_two else None, run.pk, moment))
        changed.add(entity_id)
    for start in range(0, len(remove), 900):
        EntityLink.objects.filter(id__in=remove[start:start + 900]).delete()
    for entity_id, link_ids in moved.items():
        for start in range(0, len(link_ids), 900):
            EntityLink.objects.filter(id__in=link_ids[start:start + 900]).update(entity_id=entity_id)
    with indexes_built_after(EntityLink, adding=len(to_create)):
        write_rows(LINKS, to_create)
    return changed


def _stored_shapes(ids: list[int], *, kind: str, full: bool) -> Iterator[tuple]:
    """(id, force codes, member count, active) of the entities `ids`, through a plain cursor:
    at a million entities the ORM's per-row conversions cost more than the query. Force codes
    come as the database holds them (JSON text on SQLite, a list on PostgreSQL)."""
    # Only our own table's quoted name goes into the text; every value is a parameter.
    select = f"SELECT id, force_codes, member_count, is_active FROM {connection.ops.quote_name(Entity._meta.db_table)}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        if full:  # every entity of the kind: one scan, not a thousand lookups
            cursor.execute(f"{select} WHERE kind = %s", [kind])
            while batch := cursor.fetchmany(20_000):
                yield from batch
            return
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            cursor.execute(f"{select} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            yield from cursor.fetchall()


def _entities_update(*, run: LinkRun, now, kind: str, full: bool, kept: dict[int, tuple[list, int]],
                     retired: dict[int, int | None]) -> int:
    """Write the forces and member counts of the entities kept, where they changed, and retire
    the entities left empty. Grouped by value: one UPDATE per distinct change."""
    changes: dict[tuple, list[int]] = defaultdict(list)
    encoded: dict[tuple, str] = {}
    # On a first run every entity is new (none kept): nothing stored to compare.
    for pk, forces, count, active in _stored_shapes(sorted(kept), kind=kind, full=full) if kept else ():
        shape = kept.get(pk)
        if shape is None:
            continue
        new_forces, new_count = shape
        key = tuple(new_forces)
        if isinstance(forces, str):  # JSON text: compared as written, not parsed
            text = encoded.get(key)
            if text is None:
                text = encoded[key] = json.dumps(new_forces)
            same_forces = forces == text
        else:
            same_forces = forces == new_forces
        if not (same_forces and count == new_count and active):
            changes[(key, new_count)].append(pk)
    for (forces, count), pks in changes.items():
        for start in range(0, len(pks), 900):
            Entity.objects.filter(pk__in=pks[start:start + 900]).update(
                force_codes=list(forces), member_count=count, is_active=True, merged_into=None, updated_run=run,
                updated_at=now)
    by_successor: dict[int | None, list[int]] = defaultdict(list)
    for pk, successor in retired.items():
        by_successor[successor if successor != pk else None].append(pk)
    count = 0
    for successor, pks in by_successor.items():
        for start in range(0, len(pks), 900):
            count += Entity.objects.filter(pk__in=pks[start:start + 900], is_active=True).update(
                is_active=False, merged_into_id=successor, member_count=0, force_codes=[], updated_run=run,
                updated_at=now)
    return count
