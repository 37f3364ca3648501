"""Reads of the audit trail, scoped to who may see them (LOG-04), and the chain check."""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from crossline.accounts.roles import SEARCH_AUDIT
from crossline.audit.models import GENESIS_HASH, AuditEvent, event_hash
from crossline.organisations.models import Organisation, OrganisationKind

PURPOSE_CODE_KEY = "purpose_code"
PURPOSE_TEXT_KEY = "purpose_text"
PURPOSE_STATED_AT_KEY = "purpose_stated_at"


def purpose_for(request) -> tuple[str, str] | tuple[None, None]:
    """The purpose the user stated in this session, or (None, None) if they have not yet."""
    session = getattr(request, "session", None)
    if session is None:
        return None, None
    code, text = session.get(PURPOSE_CODE_KEY), session.get(PURPOSE_TEXT_KEY)
    if not code or not text:
        return None, None
    return code, text


def _sees_every_organisation(user) -> bool:
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.kind == OrganisationKind.NATIONAL_CENTRE


def audit_events_visible_to(*, user) -> QuerySet[AuditEvent]:
    """Auditors in the national centre see the whole trail; other auditors their organisation's."""
    if not user.has_perm(SEARCH_AUDIT) or getattr(user, "organisation_id", None) is None:
        return AuditEvent.objects.none()
    if _sees_every_organisation(user):
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(organisation_id=user.organisation_id)


def organisations_auditable_by(*, user) -> QuerySet[Organisation]:
    if not user.has_perm(SEARCH_AUDIT) or getattr(user, "organisation_id", None) is None:
        return Organisation.objects.none()
    if _sees_every_organisation(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)


def audit_events_search(
    *,
    user,
    date_from=None,
    date_to=None,
    username: str = "",
    organisation: Organisation | None = None,
    action: str = "",
    object_type: str = "",
    object_ref: str = "",
) -> QuerySet[AuditEvent]:
    """Newest first. Dates are whole days in UK time, both ends included."""
    events = audit_events_visible_to(user=user)
    if date_from:
        events = events.filter(occurred_at__gte=_start_of_day(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_start_of_day(date_to + timedelta(days=1)))
    if username:
        events = events.filter(actor_username__icontains=username)
    if organisation is not None:
        events = events.filter(organisation_id=organisation.pk)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_ref:
        events = events.filter(_has_object_ref(object_ref))
    return events.order_by("-id")


def _start_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _has_object_ref(ref: str) -> Q:
    if connection.features.supports_json_field_contains:
        return Q(object_refs__contains=[ref])
    # SQLite cannot look inside a JSON list; match the quoted element in its text instead.
    return Q(object_refs__icontains=json.dumps(ref))


class ChainBreak(NamedTuple):
    event_id: int
    problem: str


ROW_CHANGED = "row changed"
CHAIN_BROKEN = "chain broken"


def chain_breaks(events: Iterable[AuditEvent]) -> Iterator[ChainBreak]:
    """Every place the chain does not hold, in id order, in one pass.

    "row changed": the record's content no longer matches its own hash.
    "chain broken": its prev_hash is not the hash of the record before it, so a record was
    removed, inserted or rewritten (hash and all) before it. Ids alone cannot show removal:
    PostgreSQL leaves gaps in them whenever a transaction rolls back.
    """
    previous_hash = GENESIS_HASH
    for event in events:
        if event_hash(event) != event.row_hash:
            yield ChainBreak(event.id, ROW_CHANGED)
        if event.prev_hash != previous_hash:
            yield ChainBreak(event.id, CHAIN_BROKEN)
        previous_hash = event.row_hash


def audit_chain_stream(*, chunk_size: int = 2000) -> Iterator[AuditEvent]:
    """The whole trail in chain order without holding it in memory (a server-side cursor on PostgreSQL)."""
    return AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)


class EventCheck(NamedTuple):
    content_matches: bool
    linked_to_previous: bool

    @property
    def verifies(self) -> bool:
        return self.content_matches and self.linked_to_previous


def audit_event_check(event: AuditEvent) -> EventCheck:
    """One record's own hash, and its link to whatever record precedes it in the whole trail."""
    previous = AuditEvent.objects.filter(id__lt=event.id).order_by("-id").values_list("row_hash", flat=True).first()
    return EventCheck(event_hash(event) == event.row_hash, event.prev_hash == (previous or GENESIS_HASH))
