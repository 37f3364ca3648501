"""A co-ordinator tasks a line to owners; each owner accepts or declines, updates and completes with
outcomes; every step is on the timeline, audited, and told to whoever must act next."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crossline.audit.models import AuditEvent
from crossline.compliance.models import Notice
from crossline.tasking import services
from crossline.tasking.models import EventKind, OwnerStatus, Tasking, TaskingStatus
from crossline.tasking.selectors import live_taskings_for_lines, taskings_for_line
from crossline.tasking.tests.conftest import run_queued_emails

pytestmark = pytest.mark.django_db


def _set(coordinator, lines, owners, **changes):
    values = {"title": "Disrupt JAY in Harrogate", "lines": lines, "owners": owners, "objective": "disrupt",
              "priority": "high", "due_date": timezone.localdate() + timedelta(days=14),
              "instructions": "Identify the line holder and safeguard the children running for the line."}
    values.update(changes)
    return services.tasking_create(actor=coordinator, **values)


def test_a_tasking_runs_from_setting_to_completion(lines, national_coordinator, wy_analyst, west_yorkshire_police):
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police])

    assert tasking.reference.startswith("TK-")
    assert Notice.objects.filter(recipient_user=wy_analyst, title__startswith=f"New tasking {tasking.reference}").exists()
    assert run_queued_emails() == 1
    assert mail.outbox[0].to == [wy_analyst.email]
    assert "JAY" not in mail.outbox[0].body  # the e-mail holds a link, not the intelligence

    services.tasking_respond(actor=wy_analyst, tasking=tasking, accept=True)
    assert Notice.objects.filter(recipient_user=national_coordinator, title__contains="accepted").exists()
    services.tasking_update(actor=wy_analyst, tasking=tasking, text="Test purchase made; line holder identified.")
    services.tasking_complete(actor=wy_analyst, tasking=tasking, outcomes=services.Outcomes(
        closure_type="type1", arrests=3, charges=2, safeguarding_referrals=2, nrm_referrals=1,
        summary="Warrant at the trap house; two children safeguarded."))

    tasking.refresh_from_db()
    assert tasking.status == TaskingStatus.COMPLETED and tasking.closed_at is not None
    owner = tasking.owners.get()
    assert (owner.status, owner.arrests, owner.charges, owner.nrm_referrals) == (OwnerStatus.COMPLETED, 3, 2, 1)
    assert list(tasking.events.values_list("kind", flat=True)) == [
        EventKind.CREATED, EventKind.ACCEPTED, EventKind.UPDATE, EventKind.COMPLETED]
    audited = [event.detail for event in AuditEvent.objects.filter(object_type="tasking.Tasking").order_by("id")
               if tasking.reference in event.object_refs]
    assert len(audited) == 4 and audited[-1]["arrests"] == 3
    assert live_taskings_for_lines([lines.jay.pk]) == {lines.jay.pk: []}


def test_each_owner_answers_for_itself(lines, national_coordinator, wy_analyst, ny_analyst, west_yorkshire_police,
                                       north_yorkshire_police):
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police, north_yorkshire_police])
    with pytest.raises(ValidationError) as problem:
        services.tasking_respond(actor=ny_analyst, tasking=tasking, accept=False, reason="no")
    assert "reason" in problem.value.message_dict
    services.tasking_respond(actor=ny_analyst, tasking=tasking, accept=False,
                             reason="Our operation on this line closed last month; nothing left to do here.")
    tasking.refresh_from_db()
    assert tasking.status == TaskingStatus.LIVE  # West Yorkshire has not answered
    assert [t.pk for t in live_taskings_for_lines([lines.jay.pk])[lines.jay.pk]] == [tasking.pk]
    services.tasking_respond(actor=wy_analyst, tasking=tasking, accept=False,
                             reason="Resourced on a murder investigation until January.")
    tasking.refresh_from_db()
    assert tasking.status == TaskingStatus.DECLINED
    with pytest.raises(ValidationError):
        services.tasking_respond(actor=wy_analyst, tasking=tasking, accept=True)


def test_only_owners_answer_and_only_accepted_taskings_complete(lines, national_coordinator, wy_analyst, ny_analyst,
                                                                west_yorkshire_police):
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police])
    with pytest.raises(PermissionDenied):
        services.tasking_respond(actor=ny_analyst, tasking=tasking, accept=True)
    with pytest.raises(ValidationError):
        services.tasking_complete(actor=wy_analyst, tasking=tasking, outcomes=services.Outcomes(summary="x" * 20))
    with pytest.raises(ValidationError):
        services.tasking_update(actor=wy_analyst, tasking=tasking, text="Not accepted yet, but updating anyway")


def test_bad_input_is_refused_by_field_and_changes_nothing(lines, national_coordinator, west_yorkshire_police):
    with pytest.raises(ValidationError) as problem:
        _set(national_coordinator, [], [], objective="arrest_everyone", priority="", instructions="short",
             due_date=timezone.localdate() - timedelta(days=1), title="")
    assert set(problem.value.message_dict) == {"title", "lines", "owners", "objective", "priority", "due_date",
                                               "instructions"}
    person_entity = lines.jay.__class__.objects.filter(kind="person").first()
    with pytest.raises(ValidationError) as problem:
        _set(national_coordinator, [person_entity], [west_yorkshire_police])
    assert "lines" in problem.value.message_dict
    assert not Tasking.objects.exists()
    assert not Notice.objects.exists()


def test_a_region_tasks_its_own_forces_only(lines, yh_coordinator, west_yorkshire_police, merseyside_police,
                                            wy_analyst):
    with pytest.raises(ValidationError) as problem:
        _set(yh_coordinator, [lines.jay], [merseyside_police])
    assert "owners" in problem.value.message_dict
    with pytest.raises(PermissionDenied):
        _set(wy_analyst, [lines.jay], [west_yorkshire_police])
    tasking = _set(yh_coordinator, [lines.jay, lines.lonely], [west_yorkshire_police], title="The JAY network")
    assert tasking.region == yh_coordinator.organisation.region
    assert set(tasking.lines.values_list("pk", flat=True)) == {lines.jay.pk, lines.lonely.pk}


def test_taskings_for_a_line_follow_who_may_see_them(lines, national_coordinator, yh_coordinator, wy_analyst,
                                                     ny_analyst, my_analyst, west_yorkshire_police):
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police])
    for user, sees in ((national_coordinator, True), (yh_coordinator, True), (wy_analyst, True),
                       (ny_analyst, False), (my_analyst, False)):
        assert list(taskings_for_line(user=user, entity_id=lines.jay.pk)) == ([tasking] if sees else []), user


def test_a_cancelled_tasking_tells_the_owners(lines, national_coordinator, yh_coordinator, wy_analyst,
                                              west_yorkshire_police):
    tasking = _set(national_coordinator, [lines.jay], [west_yorkshire_police])
    with pytest.raises(PermissionDenied):
        services.tasking_cancel(actor=yh_coordinator, tasking=tasking, reason="Not ours to cancel, but trying")
    services.tasking_cancel(actor=national_coordinator, tasking=tasking, reason="Superseded by Operation Orchid.")
    tasking.refresh_from_db()
    assert tasking.status == TaskingStatus.CANCELLED
    assert Notice.objects.filter(recipient_user=wy_analyst, title=f"Tasking {tasking.reference} cancelled").exists()
