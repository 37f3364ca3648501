"""The national centre changes the return schedule through a small form; each change is a new,
audited version, and deadlines already past are not rewritten."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from crossline.audit.models import AuditEvent
from crossline.compliance.models import ReturnSchedule
from crossline.compliance.tests.support import london
from crossline.compliance.tests.support import monthly_schedule as monthly_schedule
from crossline.conftest import make_user, sign_in
from crossline.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db
NOW = london(2026, 11, 26, 10)


def _post(client, user, **changes):
    data = {"effective_from": "1/12/2026", "frequency": "monthly", "due_working_days": "8",
            "reminder_working_days": "2", "reason": "Forces asked for less time after the new RMS went live."}
    data.update(changes)
    with freeze_time(NOW):
        sign_in(client, user)
        return client.post(reverse("compliance:schedule"), data)


def test_the_national_coordinator_adds_a_version_and_it_is_audited(client, national_coordinator, monthly_schedule):
    response = _post(client, national_coordinator)

    assert response.status_code == 302
    latest = ReturnSchedule.objects.latest("id")
    assert (latest.effective_from.isoformat(), latest.due_working_days, latest.reminder_working_days) == (
        "2026-12-01", 8, 2)
    assert latest.created_by == national_coordinator
    assert ReturnSchedule.objects.count() == 2  # the first version is kept, not edited
    event = AuditEvent.objects.get(object_type="compliance.ReturnSchedule")
    assert (event.action, event.actor_id, event.detail["due_working_days"]) == ("change", national_coordinator.pk, 8)
    with freeze_time(NOW):
        page = client.get(reverse("compliance:schedule"))
    assert "Forces asked for less time" in page.content.decode()


def test_a_change_cannot_rewrite_a_past_deadline_or_start_mid_month(client, national_coordinator,
                                                                    monthly_schedule):
    past = _post(client, national_coordinator, effective_from="1/10/2026")
    assert past.status_code == 200
    assert "cannot start in a month that has already ended" in past.content.decode()
    mid_month = _post(client, national_coordinator, effective_from="15/12/2026")
    assert "the 1st of a month" in mid_month.content.decode()
    too_many = _post(client, national_coordinator, due_working_days="41")
    assert too_many.status_code == 200
    assert ReturnSchedule.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="compliance.ReturnSchedule").exists()


def test_a_regional_coordinator_sees_the_schedule_but_cannot_change_it(client, monthly_schedule):
    rocu = Organisation.objects.filter(kind=OrganisationKind.ROCU).first()
    coordinator = make_user(rocu, "coordinator")
    with freeze_time(NOW):
        sign_in(client, coordinator)
        page = client.get(reverse("compliance:schedule"))
    assert page.status_code == 200 and page.context["form"] is None
    assert _post(client, coordinator).status_code == 403
    assert ReturnSchedule.objects.count() == 1


def test_an_analyst_cannot_reach_the_schedule(client, wy_analyst):
    sign_in(client, wy_analyst)
    assert client.get(reverse("compliance:schedule")).status_code == 403
