"""audit_record: who, where from, why, and that the record shares the caller's fate."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from crossline.accounts.models import MachineClient
from crossline.audit.models import GENESIS_HASH, ActorKind, AuditAction, AuditEvent
from crossline.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _request(user, *, ip="192.0.2.10", session=None):
    request = RequestFactory().get("/somewhere", REMOTE_ADDR=ip)
    request.user = user
    request.request_id = "req-0123456789"
    request.session = session if session is not None else {}
    return request


def test_a_person_is_recorded_with_organisation_roles_ip_and_request_id(wy_analyst):
    event = audit_record(action=AuditAction.VIEW, object_type="returns.Person", object_refs=[42, "43"],
                         request=_request(wy_analyst))

    event.refresh_from_db()
    assert event.actor_kind == ActorKind.USER
    assert (event.actor_id, event.actor_username) == (wy_analyst.pk, wy_analyst.username)
    assert (event.organisation_id, event.organisation_name) == (wy_analyst.organisation_id, "West Yorkshire Police")
    assert event.roles == ["analyst"]
    assert event.object_refs == ["42", "43"]
    assert (event.client_ip, event.request_id) == ("192.0.2.10", "req-0123456789")
    assert timezone.now() - event.occurred_at < timedelta(seconds=5)


def test_the_purpose_stated_in_the_session_is_recorded_unless_one_is_given(wy_analyst):
    session = {"purpose_code": "safeguarding", "purpose_text": "Referral about a missing child"}
    from_session = audit_record(action=AuditAction.VIEW, request=_request(wy_analyst, session=session))
    given = audit_record(action=AuditAction.DISCLOSE, request=_request(wy_analyst, session=session),
                         purpose_code="tasking", purpose_text="Tasking 7 to North Yorkshire",
                         recipients=["North Yorkshire Police"])

    assert (from_session.purpose_code, from_session.purpose_text) == ("safeguarding", "Referral about a missing child")
    assert (given.purpose_code, given.recipients) == ("tasking", ["North Yorkshire Police"])


def test_a_machine_client_is_recorded_by_name_and_scopes(west_yorkshire_police):
    client = MachineClient.objects.create(
        organisation=west_yorkshire_police, name="Niche RMS", scopes=["returns:submit", "returns:read"],
        token_prefix="cl_abc", token_hash="0" * 64, expires_at=timezone.now() + timedelta(days=30))

    event = audit_record(action=AuditAction.CREATE, object_type="returns.Return", actor=client)

    assert event.actor_kind == ActorKind.MACHINE_CLIENT
    assert (event.actor_machine_client_id, event.actor_username, event.actor_id) == (client.pk, "Niche RMS", None)
    assert event.organisation_id == west_yorkshire_police.pk
    assert event.roles == ["returns:read", "returns:submit"]


def test_without_a_user_the_record_is_the_systems_or_anonymous():
    assert audit_record(action=AuditAction.ERASE, detail={"records": 3}).actor_kind == ActorKind.SYSTEM
    failed = audit_record(action=AuditAction.SIGN_IN_FAILED, request=_request(AnonymousUser()))
    assert (failed.actor_kind, failed.actor_id, failed.client_ip) == (ActorKind.ANONYMOUS, None, "192.0.2.10")


def test_records_chain_from_the_genesis_hash():
    first = audit_record(action=AuditAction.SIGN_IN)
    second = audit_record(action=AuditAction.SIGN_OUT)

    first_in_trail = AuditEvent.objects.order_by("id").first()
    assert first_in_trail.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.row_hash
    assert second.id > first.id
    assert len(second.row_hash) == 64 and second.row_hash != first.row_hash


def test_the_record_is_rolled_back_with_the_callers_transaction():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditAction.CHANGE, object_type="accounts.User")
        raise RuntimeError("the audited change failed")
    assert AuditEvent.objects.count() == before


def test_bad_input_is_refused_and_records_nothing():
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(action="peek")
    with pytest.raises(TypeError):
        audit_record(action=AuditAction.VIEW, detail={"person": object()})
    assert AuditEvent.objects.count() == before


def test_detail_reads_back_exactly_so_that_its_hash_still_verifies():
    event = audit_record(action=AuditAction.EXPORT, detail={
        "rows": 10**20, "ratio": 1e20, "nan": float("nan"), 3: "int key", "when": timezone.now(),
        "nested": {"b": [1, 2.5], "a": ("x",)}})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.detail == event.detail
    assert stored.computed_hash() == stored.row_hash
