"""The review queue as a run leaves it: pairs an analyst should decide, refreshed, and pairs no
longer in doubt closed. A pair an analyst has decided is never reopened by a run."""

from django.utils import timezone

from crossline.linkage.engine.records import Key
from crossline.linkage.engine.resolve import KindResult
from crossline.linkage.models import CandidatePair, LinkRun, PairStatus

BATCH = 2_000


def ordered(left: Key, right: Key) -> tuple[Key, Key]:
    """A pair's identities in one fixed order, so that a pair is stored (and decided) once."""
    return (left, right) if left <= right else (right, left)


def candidates_store(*, run: LinkRun, result: KindResult, entity_of: dict[int, int], full: bool,
                     scope: set[int] | None = None) -> dict:
    """Open or refresh this run's candidate pairs; with `full`, close the open ones it no longer
    produced (without it, only those touching the identities in `scope`)."""
    kind, keys = result.kind, result.snapshot.keys
    now = timezone.now()
    wanted = {}
    for candidate in result.candidates:
        (left, right) = ordered(keys[candidate.left], keys[candidate.right])
        left_node, right_node = ((candidate.left, candidate.right) if keys[candidate.left] == left
                                 else (candidate.right, candidate.left))
        wanted[(left, right)] = (candidate, entity_of.get(left_node), entity_of.get(right_node))
    stored = {}
    touched: set[Key] = set()
    queryset = CandidatePair.objects.filter(kind=kind)
    if not full:
        touched = {keys[node] for node in scope or ()}
        forces = {force for force, _ref in touched}
        queryset = queryset.filter(left_force__in=forces) | queryset.filter(right_force__in=forces)
    for pair in queryset.only("id", "left_force", "left_ref", "right_force", "right_ref", "status", "left_entity",
                              "right_entity", "match_probability", "match_weight", "reasons"):
        key = ((pair.left_force_id, pair.left_ref), (pair.right_force_id, pair.right_ref))
        if full or key[0] in touched or key[1] in touched:
            stored[key] = pair
    to_create, to_update, closed = [], [], []
    for key, (candidate, left_entity, right_entity) in wanted.items():
        pair = stored.get(key)
        fields = {"left_entity_id": left_entity, "right_entity_id": right_entity,
                  "match_probability": candidate.probability, "match_weight": candidate.weight,
                  "reasons": candidate.reasons}
        if pair is None:
            (left_force, left_ref), (right_force, right_ref) = key
            to_create.append(CandidatePair(kind=kind, left_force_id=left_force, left_ref=left_ref,
                                           right_force_id=right_force, right_ref=right_ref, created_at=now,
                                           status=PairStatus.OPEN, run=run, updated_at=now, **fields))
        elif pair.status == PairStatus.CLOSED or (
                pair.status == PairStatus.OPEN and any(getattr(pair, name) != value for name, value in fields.items())):
            # Only a pair that changed is written (and takes this run as the one that last
            # changed it): a full run over unchanged data rewrites none of the queue.
            for name, value in fields.items():
                setattr(pair, name, value)
            pair.status, pair.run, pair.updated_at = PairStatus.OPEN, run, now
            to_update.append(pair)
    for key, pair in stored.items():
        if key not in wanted and pair.status == PairStatus.OPEN:
            pair.status, pair.updated_at = PairStatus.CLOSED, now
            closed.append(pair)
    CandidatePair.objects.bulk_create(to_create, batch_size=BATCH)
    CandidatePair.objects.bulk_update(to_update, ["left_entity", "right_entity", "match_probability", "match_weight",
                                                  "reasons", "run", "updated_at", "status"], batch_size=BATCH)
    CandidatePair.objects.bulk_update(closed, ["status", "updated_at"], batch_size=BATCH)
    return {"opened": len(to_create), "refreshed": len(to_update), "closed": len(closed)}
