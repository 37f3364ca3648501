"""Writing the audit trail. Every other app's services call `audit_record` inside their own
transaction, so that an audited read or write and its audit record commit or fail together.

Records are appended one at a time across the whole service (the chain must never fork): on
PostgreSQL an advisory lock held until the caller's transaction ends; on SQLite the IMMEDIATE
transaction mode, which takes the write lock at BEGIN. Either way the lock is held until the
caller commits, so a long transaction should write its audit record late, not first.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise

from crossline.audit.models import GENESIS_HASH, ActorKind, AuditAction, AuditEvent, PurposeCode, event_hash
from crossline.audit.selectors import (
    PURPOSE_CODE_KEY,
    PURPOSE_STATED_AT_KEY,
    PURPOSE_TEXT_KEY,
    purpose_for,
)
from crossline.core.middleware import client_ip

# Any constant will do, as long as nothing else in the database uses it: "audit" in ASCII.
AUDIT_CHAIN_LOCK = 0x6175646974
PURPOSE_TEXT_MIN = 10
PURPOSE_TEXT_MAX = 500


@transaction.atomic
def audit_record(
    *,
    action: str,
    object_type: str = "",
    object_refs: Iterable[Any] = (),
    request=None,
    actor=None,
    purpose_code: str | None = None,
    purpose_text: str | None = None,
    recipients: Iterable[Any] = (),
    detail: dict | None = None,
) -> AuditEvent:
    """Append one record to the audit trail and return it.

    `actor` defaults to the request's user (a person or a machine client); with neither, the
    record is the system's own. The purpose defaults to the one stated in the session.
    `detail` is for metadata (filters, counts, ids): never personal content.
    """
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    if detail is not None and not isinstance(detail, dict):
        raise TypeError("Audit detail must be a dict.")
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if purpose_code is None and purpose_text is None and request is not None:
        purpose_code, purpose_text = purpose_for(request)

    event = AuditEvent(
        occurred_at=timezone.now(),
        action=action,
        object_type=str(object_type),
        object_refs=[str(ref) for ref in object_refs],
        client_ip=client_ip(request) if request is not None else "",
        request_id=str(getattr(request, "request_id", "") or ""),
        purpose_code=purpose_code or "",
        purpose_text=purpose_text or "",
        recipients=_plain(list(recipients)),
        detail=_plain(detail or {}),
        **_actor_snapshot(actor),
    )
    event.id, event.prev_hash = _next_link()
    event.row_hash = event_hash(event)
    event.save(force_insert=True)
    return event


def _next_link() -> tuple[int, str]:
    """The id and prev_hash for the next record, with the chain locked until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [AuditEvent._meta.db_table])
            (next_id,) = cursor.fetchone()
        last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
        return next_id, last or GENESIS_HASH
    # SQLite: the IMMEDIATE transaction already holds the database's single write lock.
    last = AuditEvent.objects.order_by("-id").values_list("id", "row_hash").first()
    return (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)


def _actor_snapshot(actor) -> dict:
    """Who acted, copied as it is now: later renames or deletions must not rewrite history."""
    if actor is None:
        return {"actor_kind": ActorKind.SYSTEM, "roles": []}
    if not getattr(actor, "is_authenticated", False):
        return {"actor_kind": ActorKind.ANONYMOUS, "roles": []}
    organisation = getattr(actor, "organisation", None)
    snapshot = {
        "organisation_id": organisation.pk if organisation is not None else None,
        "organisation_name": organisation.name if organisation is not None else "",
    }
    if hasattr(actor, "scopes"):  # a machine client acts within its scopes, not roles
        return snapshot | {
            "actor_kind": ActorKind.MACHINE_CLIENT,
            "actor_machine_client_id": actor.pk,
            "actor_username": actor.name,
            "roles": sorted(actor.scopes),
        }
    return snapshot | {
        "actor_kind": ActorKind.USER,
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "roles": sorted(getattr(actor, "roles", ())),
    }


def _plain(value):
    """JSON that reads back exactly as written on every database, so its hash still verifies.

    PostgreSQL's jsonb rewrites some floats (1e20 comes back as an integer) and refuses NaN, so
    floats are kept as text; dates, decimals and UUIDs likewise.
    """
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float | Decimal | date | UUID | Promise):
        return str(value)
    raise TypeError(f"Audit detail cannot hold {type(value).__name__}.")


@transaction.atomic
def purpose_state(*, request, code: str, text: str) -> AuditEvent:
    """Record why the user is about to see personal data; later audit records in the session carry it."""
    text = (text or "").strip()
    if code not in PurposeCode.values:
        raise ValidationError({"code": "Choose a reason from the list."})
    if not PURPOSE_TEXT_MIN <= len(text) <= PURPOSE_TEXT_MAX:
        raise ValidationError({"text": f"Describe the purpose in {PURPOSE_TEXT_MIN} to {PURPOSE_TEXT_MAX} characters."})
    event = audit_record(action=AuditAction.STATE_PURPOSE, request=request, purpose_code=code, purpose_text=text)
    request.session[PURPOSE_CODE_KEY] = code
    request.session[PURPOSE_TEXT_KEY] = text
    request.session[PURPOSE_STATED_AT_KEY] = event.occurred_at.isoformat()
    return event
