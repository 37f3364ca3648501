"""Every change an analyst makes to crossover: decisions on candidate pairs, undoing a merge, the
exclusion list, access requests, and models. Each is audited in its own transaction.

Decisions are kept against identities (a force's reference), not records or entity numbers, so
they hold through next month's return, a resubmission and a full re-run: a rejected pair is a
cannot-link constraint for every later run, a confirmed pair a link.
"""

import hashlib
import json
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from crossline.accounts.roles import REVIEW_MATCHES
from crossline.audit.models import AuditAction, PurposeCode
from crossline.audit.services import audit_record
from crossline.linkage.candidates import ordered
from crossline.linkage.models import (
    AccessRequest,
    AccessStatus,
    CandidatePair,
    Decision,
    Entity,
    EntityLink,
    EntityMember,
    ExcludedValue,
    LinkageModel,
    LinkHow,
    MatchDecision,
    PairStatus,
)
from crossline.linkage.selectors import comparable_value, entities_visible_to, own_force_code, readable_forces

SHIPPED_MODELS = Path(__file__).resolve().parent / "models"
# The models shipped with this release: a new file (and name) whenever the comparisons change.
SHIPPED = {"person": "people-v3.json", "location": "locations-v2.json"}
NOTE_MAX = 2_000


class DecisionConflict(ValidationError):
    """A decision that contradicts an earlier one (confirming a pair whose entities hold a
    rejected pair): reported, never applied."""

    def __init__(self, message: str, *, decisions: list[int]):
        super().__init__(message)
        self.decisions = decisions


# --- models ---------------------------------------------------------------------------------------
def _model_sha(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def model_comparisons(settings: dict) -> list:
    """What a model's m and u are estimates for: each comparison's levels, in order. A model
    trained for other comparisons cannot be run with this release's (the levels would not line
    up), however good it was."""
    return [[comparison["output_column_name"], [level.get("sql_condition") for level in comparison["comparison_levels"]]]
            for comparison in settings["comparisons"]]


def shipped_model(kind: str) -> dict:
    return json.loads((SHIPPED_MODELS / SHIPPED[kind]).read_text(encoding="utf-8"))


@transaction.atomic
def linkage_model_active(*, kind: str) -> LinkageModel:
    """The model runs use for `kind`: the active one, if it was made for this release's
    comparisons; otherwise (the first time, or after an upgrade that changed them) the one
    shipped with Crossline becomes a new active version. `crossline resolve --train` then
    retrains it with the analysts' decisions."""
    model = LinkageModel.objects.select_for_update().filter(kind=kind, is_active=True).first()
    shipped = shipped_model(kind)
    if model is not None and model_comparisons(model.settings) == model_comparisons(shipped):
        return model
    replaces = (f" It replaces version {model.version}, made for comparisons this release no longer has."
                if model is not None else "")
    return linkage_model_store(kind=kind, settings=shipped, user=None,
                               trained_on=f"Shipped with Crossline ({SHIPPED[kind]}): trained on a synthetic "
                                          f"national set (seed 11, demo scale).{replaces}")


@transaction.atomic
def linkage_model_store(*, kind: str, settings: dict, user, trained_on: str, confirmed_labels: int = 0,
                        rejected_labels: int = 0, activate: bool = True) -> LinkageModel:
    last = LinkageModel.objects.select_for_update().filter(kind=kind).order_by("-version").first()
    if activate:
        LinkageModel.objects.filter(kind=kind, is_active=True).update(is_active=False)
    model = LinkageModel.objects.create(
        kind=kind, version=(last.version + 1) if last else 1, settings=settings, sha256=_model_sha(settings),
        trained_on=trained_on, confirmed_labels=confirmed_labels, rejected_labels=rejected_labels,
        created_at=timezone.now(), created_by=user, is_active=activate)
    audit_record(action=AuditAction.CREATE, object_type="linkage.LinkageModel", object_refs=[model.pk], actor=user,
                 detail={"kind": kind, "version": model.version, "sha256": model.sha256, "active": activate,
                         "confirmed_labels": confirmed_labels, "rejected_labels": rejected_labels})
    return model


# --- decisions ----------------------------------------------------------------------------------------
def _identity_entities(kind: str, keys) -> dict[tuple[str, str], int]:
    found = {}
    for force, ref in keys:
        member = EntityMember.objects.filter(kind=kind, force_id=force, ref=ref).values_list("entity_id", flat=True)
        entity = member.first()
        if entity is not None:
            found[(force, ref)] = entity
    return found


def _entity_identities(entity_id: int) -> set[tuple[str, str]]:
    return set(EntityMember.objects.filter(entity_id=entity_id).values_list("force_id", "ref").distinct())


def _rejections_between(kind: str, one: set, other: set) -> list[MatchDecision]:
    forces = {force for force, _ in one | other}
    found = []
    for decision in MatchDecision.objects.filter(kind=kind, is_current=True, decision=Decision.REJECT,
                                                 left_force__in=forces, right_force__in=forces):
        left, right = (decision.left_force_id, decision.left_ref), (decision.right_force_id, decision.right_ref)
        if (left in one and right in other) or (left in other and right in one):
            found.append(decision)
    return found


def _decision_record(*, kind, left, right, decision, user, note="", pair=None, undoes_link=False) -> MatchDecision:
    left, right = ordered(tuple(left), tuple(right))
    MatchDecision.objects.filter(kind=kind, left_force_id=left[0], left_ref=left[1], right_force_id=right[0],
                                 right_ref=right[1], is_current=True).update(is_current=False)
    return MatchDecision.objects.create(
        kind=kind, left_force_id=left[0], left_ref=left[1], right_force_id=right[0], right_ref=right[1],
        decision=decision, note=note[:NOTE_MAX], pair=pair, undoes_link=undoes_link, decided_by=user,
        decided_at=timezone.now())


def _check_reviewer(user, forces: set[str]) -> None:
    readable = readable_forces(user=user)
    if not user.has_perm(REVIEW_MATCHES) or (readable is not None and not forces <= readable):
        raise PermissionDenied


def entity_merge(*, keep_id: int, absorb_id: int) -> None:
    """Move everything of `absorb_id` into `keep_id` and retire it (the caller records the link)."""
    EntityMember.objects.filter(entity_id=absorb_id).update(entity_id=keep_id)
    EntityLink.objects.filter(entity_id=absorb_id).update(entity_id=keep_id)
    Entity.objects.filter(pk=absorb_id).update(is_active=False, merged_into_id=keep_id, member_count=0,
                                               force_codes=[], updated_at=timezone.now())
    entity_recount(entity_ids=[keep_id])


def entity_recount(*, entity_ids) -> None:
    for entity in Entity.objects.filter(pk__in=list(entity_ids)):
        members = EntityMember.objects.filter(entity=entity)
        entity.member_count = members.count()
        entity.force_codes = sorted(set(members.values_list("force_id", flat=True)))
        entity.is_active = entity.member_count > 0
        if entity.is_active:
            entity.merged_into = None
        entity.updated_at = timezone.now()
        entity.save(update_fields=["member_count", "force_codes", "is_active", "merged_into", "updated_at"])


def match_decide(*, pair: CandidatePair, decision: str, user, note: str = "", request=None) -> MatchDecision:
    """Record an analyst's decision on a candidate pair and apply it at once: a confirmed pair's
    entities merge, a rejected pair already in one entity is split apart. A decision that
    contradicts an earlier one is refused, and the refusal audited."""
    try:
        return _match_decide(pair=pair, decision=decision, user=user, note=note, request=request)
    except DecisionConflict as conflict:
        with transaction.atomic():
            audit_record(action=AuditAction.LINK, object_type="linkage.CandidatePair", object_refs=[pair.pk],
                         request=request, actor=user,
                         detail={"pair": pair.pk, "decision": decision, "refused": "contradicts a rejection",
                                 "decisions": conflict.decisions})
        raise


@transaction.atomic
def _match_decide(*, pair: CandidatePair, decision: str, user, note: str, request) -> MatchDecision:
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose whether the records are the same person, place or line."})
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    left, right = (pair.left_force_id, pair.left_ref), (pair.right_force_id, pair.right_ref)
    _check_reviewer(user, {left[0], right[0]})
    entities = _identity_entities(pair.kind, [left, right])
    detail = {"pair": pair.pk, "kind": pair.kind, "decision": decision, "left": list(left), "right": list(right),
              "match_probability": pair.match_probability}
    if decision == Decision.CONFIRM and entities.get(left) and entities.get(right) \
            and entities[left] != entities[right]:
        conflicts = _rejections_between(pair.kind, _entity_identities(entities[left]),
                                        _entity_identities(entities[right]))
        if conflicts:
            raise DecisionConflict(
                "These records cannot be confirmed as the same: an earlier decision says records in the two "
                f"entities are different (decision {', '.join(str(d.pk) for d in conflicts)}). Review that "
                "decision first.", decisions=[d.pk for d in conflicts])
    record = _decision_record(kind=pair.kind, left=left, right=right, decision=decision, user=user, note=note,
                              pair=pair)
    pair.status = {Decision.CONFIRM: PairStatus.CONFIRMED, Decision.REJECT: PairStatus.REJECTED,
                   Decision.UNSURE: PairStatus.UNSURE}[decision]
    pair.updated_at = timezone.now()
    pair.save(update_fields=["status", "updated_at"])
    if decision == Decision.CONFIRM and entities.get(left) and entities.get(right) \
            and entities[left] != entities[right]:
        keep, absorb = _keep_order(entities[left], entities[right])
        EntityLink.objects.create(
            entity_id=keep, kind=pair.kind, left_force_id=left[0], left_ref=left[1], right_force_id=right[0],
            right_ref=right[1], how=LinkHow.ANALYST, evidence={"decision": record.pk},
            left_entity_before_id=entities[left], right_entity_before_id=entities[right], created_at=timezone.now())
        entity_merge(keep_id=keep, absorb_id=absorb)
        detail["merged"] = [keep, absorb]
    elif decision == Decision.REJECT and entities.get(left) and entities.get(left) == entities.get(right):
        from crossline.linkage.recluster import entity_recluster

        detail["split"] = entity_recluster(entity_id=entities[left], kind=pair.kind)
    audit_record(action=AuditAction.LINK, object_type="linkage.MatchDecision", object_refs=[record.pk],
                 request=request, actor=user, detail=detail)
    return record


def _keep_order(one: int, other: int) -> tuple[int, int]:
    sizes = dict(Entity.objects.filter(pk__in=[one, other]).values_list("pk", "member_count"))
    return (one, other) if (sizes.get(one, 0), -one) >= (sizes.get(other, 0), -other) else (other, one)


@transaction.atomic
def merge_undo(*, link: EntityLink, user, note: str = "", request=None) -> tuple[Entity, Entity]:
    """Undo the link that joined two parts of an entity: both parts become entities again (the
    one that was absorbed gets its old number back), every other link stays, and the pair is
    recorded as rejected so no later run joins them again."""
    link = EntityLink.objects.select_for_update().select_related("entity").get(pk=link.pk)
    left, right = (link.left_force_id, link.left_ref), (link.right_force_id, link.right_ref)
    _check_reviewer(user, {left[0], right[0]})
    entity = link.entity
    adjacent = defaultdict(set)
    for row in EntityLink.objects.filter(entity=entity).exclude(pk=link.pk):
        one, other = (row.left_force_id, row.left_ref), (row.right_force_id, row.right_ref)
        adjacent[one].add(other)
        adjacent[other].add(one)
    left_side, stack = {left}, [left]
    while stack:
        for other in adjacent[stack.pop()] - left_side:
            left_side.add(other)
            stack.append(other)
    identities = _entity_identities(entity.pk)
    right_side = identities - left_side
    # Which side keeps the entity: the one that had it before the link, else the bigger one.
    if link.right_entity_before_id and link.right_entity_before_id != entity.pk:
        moving, target = right_side, link.right_entity_before
    elif link.left_entity_before_id and link.left_entity_before_id != entity.pk:
        moving, target = left_side, link.left_entity_before
    else:
        moving, target = (right_side, None) if len(right_side) <= len(left_side) else (left_side, None)
    if target is None or target.is_active:
        now = timezone.now()
        target = Entity.objects.create(kind=entity.kind, created_at=now, updated_at=now)
    decision = _decision_record(kind=entity.kind, left=left, right=right, decision=Decision.REJECT, user=user,
                                note=note or "Merge undone", undoes_link=True)
    by_force = defaultdict(list)
    for force, ref in moving:
        by_force[force].append(ref)
    for force, refs in by_force.items():
        EntityMember.objects.filter(entity=entity, force_id=force, ref__in=refs).update(entity=target)
    for row in EntityLink.objects.filter(entity=entity).exclude(pk=link.pk):
        if (row.left_force_id, row.left_ref) in moving:
            row.entity = target
            row.save(update_fields=["entity"])
    link_pk = link.pk
    link.delete()
    entity_recount(entity_ids=[entity.pk, target.pk])
    left_pair, right_pair = ordered(left, right)
    CandidatePair.objects.filter(kind=entity.kind, left_force_id=left_pair[0], left_ref=left_pair[1],
                                 right_force_id=right_pair[0], right_ref=right_pair[1]).update(
        status=PairStatus.REJECTED, updated_at=timezone.now())
    audit_record(action=AuditAction.LINK, object_type="linkage.Entity", object_refs=[entity.pk, target.pk],
                 request=request, actor=user,
                 detail={"undone_link": link_pk, "decision": decision.pk, "kind": entity.kind,
                         "left": list(left), "right": list(right), "moved": len(moving)})
    entity.refresh_from_db()
    target.refresh_from_db()
    return entity, target


# --- the exclusion list ---------------------------------------------------------------------------------
@transaction.atomic
def excluded_value_add(*, field: str, given: str, category: str, description: str, user,
                       request=None) -> ExcludedValue:
    if not user.has_perm(REVIEW_MATCHES):
        raise PermissionDenied
    try:
        value = comparable_value(field, given)
    except ValueError as error:
        raise ValidationError({"given": str(error)}) from error
    if ExcludedValue.objects.filter(field=field, value=value).exists():
        raise ValidationError({"given": "This value is already on the exclusion list."})
    excluded = ExcludedValue.objects.create(field=field, value=value, given=given.strip()[:300], category=category,
                                            description=description.strip()[:200], added_by=user,
                                            added_at=timezone.now())
    audit_record(action=AuditAction.CREATE, object_type="linkage.ExcludedValue", object_refs=[excluded.pk],
                 request=request, actor=user, detail={"field": field, "category": category})
    return excluded


@transaction.atomic
def excluded_value_remove(*, excluded: ExcludedValue, user, request=None) -> None:
    if not user.has_perm(REVIEW_MATCHES):
        raise PermissionDenied
    pk, field = excluded.pk, excluded.field
    excluded.delete()
    audit_record(action=AuditAction.DELETE, object_type="linkage.ExcludedValue", object_refs=[pk], request=request,
                 actor=user, detail={"field": field})


# --- need to know -------------------------------------------------------------------------------------------
@transaction.atomic
def access_request_create(*, entity: Entity, holding_force_code: str, user, purpose_code: str, reason: str,
                          request=None) -> AccessRequest:
    """Ask the force holding an entity's records (which `user` may not read) to show them."""
    if not entities_visible_to(user=user).filter(pk=entity.pk).exists():
        raise PermissionDenied
    readable = readable_forces(user=user)
    if readable is None or holding_force_code in readable \
            or not EntityMember.objects.filter(entity=entity, force_id=holding_force_code).exists():
        raise ValidationError("There is nothing of this entity held by that force for you to ask for.")
    reason = (reason or "").strip()
    if purpose_code not in PurposeCode.values:
        raise ValidationError({"purpose_code": "Choose why you need to see the records."})
    if not 10 <= len(reason) <= 1_000:
        raise ValidationError({"reason": "Say why you need to see the records, in 10 to 1,000 characters."})
    if AccessRequest.objects.filter(entity=entity, holding_force_id=holding_force_code, requested_by=user,
                                    status=AccessStatus.PENDING).exists():
        raise ValidationError("You have already asked; the holding force has not yet decided.")
    access = AccessRequest.objects.create(
        entity=entity, holding_force_id=holding_force_code, requested_by=user,
        requesting_organisation=user.organisation, purpose_code=purpose_code, reason=reason,
        requested_at=timezone.now())
    audit_record(action=AuditAction.CREATE, object_type="linkage.AccessRequest", object_refs=[access.pk],
                 request=request, actor=user, purpose_code=purpose_code, purpose_text=reason,
                 detail={"entity": entity.pk, "holding_force": holding_force_code})
    return access


@transaction.atomic
def access_request_decide(*, access: AccessRequest, approve: bool, user, note: str = "",
                          request=None) -> AccessRequest:
    """The holding force approves or declines; an approval discloses its records of the entity."""
    access = AccessRequest.objects.select_for_update().get(pk=access.pk)
    # The holding force itself decides: not a region or the national centre that may also read it.
    if not user.has_perm(REVIEW_MATCHES) or own_force_code(user) != access.holding_force_id:
        raise PermissionDenied
    if access.requested_by_id == user.pk:
        raise PermissionDenied
    if access.status != AccessStatus.PENDING:
        raise ValidationError("This request has already been decided.")
    access.status = AccessStatus.APPROVED if approve else AccessStatus.DECLINED
    access.decided_by, access.decided_at, access.decision_note = user, timezone.now(), (note or "").strip()[:1_000]
    access.expires_at = access.decided_at + timedelta(days=settings.LINKAGE_ACCESS_DAYS) if approve else None
    access.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "expires_at"])
    audit_record(action=AuditAction.DISCLOSE if approve else AuditAction.CHANGE,
                 object_type="linkage.AccessRequest", object_refs=[access.pk], request=request, actor=user,
                 recipients=[{"user": access.requested_by_id, "organisation": access.requesting_organisation_id}]
                 if approve else [],
                 detail={"entity": access.entity_id, "holding_force": access.holding_force_id,
                         "status": access.status,
                         "expires_at": access.expires_at.isoformat() if access.expires_at else None})
    return access
