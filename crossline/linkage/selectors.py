"""Reads of entities, scoped to who is asking; and the inputs a resolution run reads.

Need to know: a user sees an entity only through the records they may read (their force's, or
their region's, or every force's for the national centre: returns.selectors), plus the records
a holding force has agreed to show them (an approved AccessRequest). Where an entity also holds
records they may not read, they learn only that a match exists and which force holds it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from crossline.accounts.roles import REVIEW_MATCHES, VIEW_PERSONAL_DATA
from crossline.linkage.engine.names import address_key
from crossline.linkage.engine.records import RECORD_MODELS
from crossline.linkage.engine.resolve import Decisions
from crossline.linkage.models import (
    AccessRequest,
    AccessStatus,
    CandidatePair,
    CommonValue,
    Decision,
    Entity,
    EntityMember,
    ExcludedField,
    ExcludedValue,
    LinkRun,
    MatchDecision,
    PairStatus,
)
from crossline.reference.models import PoliceForce
from crossline.returns.selectors import forces_visible_to


# --- inputs of a run (the platform's own reads, not a user's) -------------------------------------
def decisions_for(*, kind: str) -> Decisions:
    decisions = Decisions()
    for left_force, left_ref, right_force, right_ref, decision in MatchDecision.objects.filter(
            kind=kind, is_current=True).values_list("left_force_id", "left_ref", "right_force_id", "right_ref",
                                                    "decision"):
        pair = ((left_force, left_ref), (right_force, right_ref))
        decisions.decided.add(frozenset(pair))
        if decision == Decision.CONFIRM:
            decisions.confirmed.append(pair)
        elif decision == Decision.REJECT:
            decisions.rejected.append(pair)
    return decisions


def excluded_values(*, kind: str | None = None) -> dict[str, set[str]]:
    """field -> values never used to link: the exclusion list, and (for a run on one return,
    `kind` given) the values the last full run found too common."""
    values: dict[str, set[str]] = defaultdict(set)
    for excluded_field, value in ExcludedValue.objects.values_list("field", "value"):
        values[excluded_field].add(value)
    if kind is not None:
        for common_field, value in CommonValue.objects.filter(kind=kind).values_list("field", "value"):
            values[common_field].add(value)
    return dict(values)


def line_entity_labels() -> dict[tuple[str, str], str]:
    """Each stored line identity (force, ref) and its entity, for comparing people by line."""
    return {(force, ref): str(entity) for force, ref, entity in EntityMember.objects.filter(kind="line").values_list(
        "force_id", "ref", "entity_id").distinct().iterator(chunk_size=20_000)}


def comparable_value(field: str, given: str) -> str:
    """A value as the exclusion list stores it: the form linkage compares."""
    from crossline.returns.normalise import NotValid, normalise_phone, normalise_postcode, normalise_vrm

    try:
        if field == ExcludedField.PHONE:
            return normalise_phone(given)
        if field == ExcludedField.POSTCODE:
            return normalise_postcode(given)
        if field == ExcludedField.VRM:
            return normalise_vrm(given)
    except NotValid as error:
        raise ValueError(str(error)) from error
    key = address_key(given)
    if not key:
        raise ValueError("Give the address as it is written on returns.")
    return key


# --- what a user may see -----------------------------------------------------------------------------
def readable_forces(*, user) -> set[str] | None:
    """The forces whose records `user` may read; None means every force."""
    if not user.has_perm(VIEW_PERSONAL_DATA):
        return set()
    forces = forces_visible_to(user=user)
    return None if forces is None else set(forces.values_list("pk", flat=True))


def approvals_in_force(*, user) -> QuerySet[AccessRequest]:
    """This user's approved requests that have not yet expired."""
    return AccessRequest.objects.filter(requested_by=user, status=AccessStatus.APPROVED,
                                        expires_at__gt=timezone.now())


def granted_forces(*, user, entity_ids=None) -> dict[int, set[str]]:
    """entity -> forces that approved this user's request to see their records of it, while it lasts."""
    requests = approvals_in_force(user=user)
    if entity_ids is not None:
        requests = requests.filter(entity_id__in=list(entity_ids))
    granted: dict[int, set[str]] = defaultdict(set)
    for entity_id, force in requests.values_list("entity_id", "holding_force_id"):
        granted[entity_id].add(force)
    return granted


def entities_visible_to(*, user, kind: str | None = None) -> QuerySet[Entity]:
    """Entities with at least one record `user` may read (or has been shown)."""
    forces = readable_forces(user=user)
    entities = Entity.objects.filter(is_active=True)
    if kind:
        entities = entities.filter(kind=kind)
    if forces is None:
        return entities
    granted = approvals_in_force(user=user).values("entity_id")
    members = EntityMember.objects.filter(force_id__in=forces).values("entity_id")
    return entities.filter(Q(id__in=members) | Q(id__in=granted))


@dataclass
class EntityView:
    entity: Entity
    records: list = field(default_factory=list)  # (member, record) the user may read
    hidden: list = field(default_factory=list)  # (force, count of records): matches they may not read
    requests: list = field(default_factory=list)  # this user's access requests for this entity


def entity_view_for(*, user, entity_id: int) -> EntityView | None:
    """The entity as `user` may see it, or None if they may see none of it (the page is a 404)."""
    entity = entities_visible_to(user=user).filter(pk=entity_id).first()
    if entity is None:
        return None
    forces = readable_forces(user=user)
    granted = granted_forces(user=user, entity_ids=[entity.pk]).get(entity.pk, set())
    members = list(EntityMember.objects.filter(entity=entity).select_related("force", "national_return")
                   .order_by("force__name", "ref", "-national_return__period_end"))
    visible = [member for member in members if forces is None or member.force_id in forces
               or member.force_id in granted]
    hidden_counts: dict[str, int] = defaultdict(int)
    hidden_forces = {}
    for member in members:
        if member not in visible:
            hidden_counts[member.force_id] += 1
            hidden_forces[member.force_id] = member.force
    model = RECORD_MODELS[entity.kind]
    records = model.objects.in_bulk([member.record_id for member in visible])
    view = EntityView(entity)
    view.records = [(member, records[member.record_id]) for member in visible if member.record_id in records]
    view.hidden = [(hidden_forces[code], count) for code, count in sorted(hidden_counts.items())]
    view.requests = list(AccessRequest.objects.filter(entity=entity, requested_by=user).select_related(
        "holding_force", "decided_by"))
    return view


def review_queue_for(*, user, status: str = PairStatus.OPEN, kind: str | None = None) -> QuerySet[CandidatePair]:
    """Pairs waiting for `user`: both sides must be records they may read, to compare them."""
    if not user.has_perm(REVIEW_MATCHES):
        return CandidatePair.objects.none()
    forces = readable_forces(user=user)
    pairs = CandidatePair.objects.filter(status=status).select_related("left_force", "right_force")
    if kind:
        pairs = pairs.filter(kind=kind)
    if forces is not None:
        pairs = pairs.filter(left_force__in=forces, right_force__in=forces)
    return pairs.order_by("-match_probability", "id")


def pair_records(pair: CandidatePair) -> tuple[list, list]:
    """The current records of each side of a pair, newest first (for side by side review)."""
    model = RECORD_MODELS[pair.kind]
    sides = []
    for force, ref in ((pair.left_force_id, pair.left_ref), (pair.right_force_id, pair.right_ref)):
        sides.append(list(model.objects.filter(national_return__is_current=True, national_return__force_id=force,
                                               ref=ref).select_related("national_return")
                          .order_by("-national_return__period_end")))
    return sides[0], sides[1]


def own_force_code(user) -> str | None:
    """The police force whose own records `user` holds (a force's people), else None."""
    organisation = getattr(user, "organisation", None) if getattr(user, "organisation_id", None) else None
    return getattr(organisation, "police_force_id", None) if organisation is not None else None


def access_requests_to_decide(*, user) -> QuerySet[AccessRequest]:
    """Pending requests for the records of the user's own force. Only the holding force decides
    who sees its records: a region or the national centre may read them, but does not own them."""
    code = own_force_code(user)
    if not user.has_perm(REVIEW_MATCHES) or code is None or not user.has_perm(VIEW_PERSONAL_DATA):
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(status=AccessStatus.PENDING, holding_force_id=code).select_related(
        "holding_force", "requested_by", "requesting_organisation")


def runs_visible_to(*, user) -> QuerySet[LinkRun]:
    if not user.has_perm(REVIEW_MATCHES):
        return LinkRun.objects.none()
    return LinkRun.objects.select_related("national_return__force", "started_by")


def forces_named() -> dict[str, PoliceForce]:
    return {force.pk: force for force in PoliceForce.objects.all()}
