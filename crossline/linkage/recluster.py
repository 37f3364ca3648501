"""Re-clustering a few entities from the links they are built of, under every decision that now
applies to their identities: after a rejection lands inside one entity, and for a run on a
single return (the new return's identities plus the entities they touch)."""

from collections import defaultdict

from crossline.linkage.engine.clustering import Link, cluster
from crossline.linkage.engine.records import Key, current_records, snapshot_load
from crossline.linkage.engine.resolve import Decisions, KindResult
from crossline.linkage.models import EntityLink, EntityMember
from crossline.linkage.selectors import decisions_for
from crossline.linkage.store import clusters_store, link_from_row


def identities_of(entity_ids) -> set[Key]:
    ids, found = sorted(entity_ids), set()
    for start in range(0, len(ids), 900):
        found.update(EntityMember.objects.filter(entity_id__in=ids[start:start + 900]).values_list("force_id", "ref"))
    return found


def entities_of_keys(*, kind: str, keys) -> set[int]:
    """The entities holding these identities (by the (kind, force, ref) index)."""
    by_force: dict[str, list[str]] = defaultdict(list)
    for force, ref in keys:
        by_force[force].append(ref)
    found = set()
    for force, refs in by_force.items():
        for start in range(0, len(refs), 900):
            found.update(EntityMember.objects.filter(kind=kind, force_id=force, ref__in=refs[start:start + 900])
                         .values_list("entity_id", flat=True))
    return found


def stored_links(snapshot, entity_ids) -> list[Link]:
    ids, links = sorted(entity_ids), []
    for start in range(0, len(ids), 900):
        for row in EntityLink.objects.filter(entity_id__in=ids[start:start + 900]):
            link = link_from_row(row, snapshot.index)
            if link is not None:
                links.append(link)
    return links


def recluster(*, kind: str, keys: set[Key], entity_ids, extra_links: list = (), run=None,
              decisions: Decisions | None = None, snapshot=None) -> dict:
    """Cluster the identities `keys` (all those of `entity_ids`, and any new ones) from those
    entities' stored links plus `extra_links` (identity numbers of `snapshot`, if given), and
    store the result for them alone."""
    snapshot = snapshot or snapshot_load(kind, rows=current_records(kind, keys=keys))
    decisions = decisions or decisions_for(kind=kind)
    index = snapshot.index
    links = stored_links(snapshot, entity_ids) + list(extra_links)
    links += [Link(index[left], index[right], "analyst", evidence=(("decision", "confirmed"),))
              for left, right in decisions.confirmed if left in index and right in index]
    apart = [(index[left], index[right]) for left, right in decisions.rejected if left in index and right in index]
    clustering = cluster(len(snapshot.keys), links, apart=apart)
    result = KindResult(kind, snapshot, clustering, [])
    scope = [index[key] for key in keys if key in index]
    return clusters_store(run=run, result=result, scope=scope)


def entity_recluster(*, entity_id: int, kind: str) -> list[int]:
    """Split an entity as its decisions now require; the entities its identities end up in."""
    stored = recluster(kind=kind, keys=identities_of([entity_id]), entity_ids=[entity_id])
    return sorted(set(stored["entity_of"].values()))
