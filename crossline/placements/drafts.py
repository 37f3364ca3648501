"""Drafts: a placing officer's answers, saved page by page until they send the notification.

Answers are kept as typed (so a half-finished page comes back as it was left, errors and all)
and checked only when the notification is sent. They hold a child's details, so every save is
audited and drafts are removed `conf.draft_lifetime()` after they were last saved.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from crossline.accounts.roles import CREATE_PLACEMENT
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.placements import conf
from crossline.placements.details import PlacementDetails
from crossline.placements.models import PlacementDraft, PlacementNotification
from crossline.placements.services import placement_notify

OBJECT_TYPE = "placements.PlacementDraft"
ANSWER_MAX = 10_000  # characters in one answer; the form's own limits are tighter


def _require_council_of(user, draft: PlacementDraft | None = None):
    if not user.has_perm(CREATE_PLACEMENT) or user.organisation_id is None:
        raise PermissionDenied("Your role does not allow this.")
    if draft is not None and draft.council_id != user.organisation_id:
        raise PermissionDenied("This draft belongs to another council.")


def _tidy(answers: dict) -> dict[str, dict[str, list[str]]]:
    return {
        str(section): {str(key): [str(value)[:ANSWER_MAX] for value in values][:20] for key, values in fields.items()}
        for section, fields in answers.items()
    }


@transaction.atomic
def draft_start(*, user, moved_from: PlacementNotification | None = None, answers: dict | None = None,
                request=None, now: datetime | None = None) -> PlacementDraft:
    """A new draft; for a move, started from the child's current notification (`answers` prefilled)."""
    _require_council_of(user)
    if moved_from is not None and moved_from.placing_council_id != user.organisation_id:
        raise PermissionDenied("Only the placing council can move a child it placed.")
    now = now or timezone.now()
    draft = PlacementDraft.objects.create(council_id=user.organisation_id, created_by=user, created_at=now,
                                          updated_at=now, answers=_tidy(answers or {}), moved_from=moved_from)
    audit_record(action=AuditAction.CREATE, object_type=OBJECT_TYPE, object_refs=[draft.uuid], request=request,
                 actor=user, detail={"moved_from": moved_from.reference if moved_from else ""})
    return draft


@transaction.atomic
def draft_save(*, draft: PlacementDraft, user, section: str, answers: dict[str, list[str]], request=None,
               now: datetime | None = None) -> PlacementDraft:
    _require_council_of(user, draft)
    draft.answers = {**draft.answers, **_tidy({section: answers})}
    draft.updated_at = now or timezone.now()
    draft.save(update_fields=["answers", "updated_at"])
    audit_record(action=AuditAction.CHANGE, object_type=OBJECT_TYPE, object_refs=[draft.uuid], request=request,
                 actor=user, detail={"section": section})
    return draft


@transaction.atomic
def draft_discard(*, draft: PlacementDraft, user, request=None) -> None:
    _require_council_of(user, draft)
    audit_record(action=AuditAction.DELETE, object_type=OBJECT_TYPE, object_refs=[draft.uuid], request=request,
                 actor=user)
    draft.delete()


@transaction.atomic
def draft_send(*, draft: PlacementDraft, user, details: PlacementDetails, confirmed_host_force_code: str | None,
               request=None, now: datetime | None = None) -> PlacementNotification:
    """Send the notification the draft describes and remove the draft, together or not at all."""
    _require_council_of(user, draft)
    notification = placement_notify(details=details, actor=user, confirmed_host_force_code=confirmed_host_force_code,
                                    moved_from=draft.moved_from, request=request, now=now)
    draft.delete()
    return notification


@transaction.atomic
def drafts_expire(*, now: datetime | None = None) -> int:
    """Remove drafts nobody has saved for `conf.draft_lifetime()`: they hold a child's details."""
    now = now or timezone.now()
    expired = list(PlacementDraft.objects.filter(updated_at__lt=now - conf.draft_lifetime()).values_list(
        "pk", "uuid"))
    if expired:
        audit_record(action=AuditAction.DELETE, object_type=OBJECT_TYPE, object_refs=[uuid for _, uuid in expired],
                     detail={"expired": len(expired)})
        PlacementDraft.objects.filter(pk__in=[pk for pk, _ in expired]).delete()
    return len(expired)
