"""A force nominates a line as a local priority or asks for support; co-ordinators see it beside the
score and decide with a reason; the force sees the decision and the reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from crossline.compliance.models import Notice
from crossline.conftest import sign_in
from crossline.tasking import services
from crossline.tasking.models import Nomination, NominationStatus
from crossline.tasking.selectors import nominations_to_decide

pytestmark = pytest.mark.django_db
RATIONALE = ("Small line but it runs a 14-year-old looked-after child from Leeds; two missing episodes this month. "
             "We need the region's surveillance team.")


def test_a_force_nominates_and_the_region_decides(lines, wy_analyst, yh_coordinator, national_coordinator):
    nomination = services.nomination_create(actor=wy_analyst, line=lines.lonely, kind="regional_support",
                                            rationale=RATIONALE)
    assert Notice.objects.filter(recipient_user=yh_coordinator, title__contains="regional support").exists()
    assert list(nominations_to_decide(user=yh_coordinator)) == [nomination]
    assert list(nominations_to_decide(user=national_coordinator)) == [nomination]
    with pytest.raises(ValidationError):
        services.nomination_decide(actor=yh_coordinator, nomination=nomination, agree=True, reason="ok")
    services.nomination_decide(actor=yh_coordinator, nomination=nomination, agree=True,
                               reason="Agreed: ROCU surveillance for four weeks from Monday.")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AGREED
    assert nomination.decided_by_organisation == yh_coordinator.organisation
    told = Notice.objects.get(recipient_user=wy_analyst, title__contains="agreed your nomination")
    assert "ROCU surveillance for four weeks" in told.text
    with pytest.raises(ValidationError):
        services.nomination_decide(actor=national_coordinator, nomination=nomination, agree=False,
                                   reason="Changing our mind after the event")


def test_national_support_is_the_national_centre_s_to_decide(lines, wy_analyst, yh_coordinator, national_coordinator):
    nomination = services.nomination_create(actor=wy_analyst, line=lines.jay, kind="national_support",
                                            rationale=RATIONALE)
    assert list(nominations_to_decide(user=yh_coordinator)) == []
    with pytest.raises(PermissionDenied):
        services.nomination_decide(actor=yh_coordinator, nomination=nomination, agree=True,
                                   reason="Agreed at regional level.")
    services.nomination_decide(actor=national_coordinator, nomination=nomination, agree=False,
                               reason="Already a national priority under Operation Orchid: no separate support.")


def test_a_force_nominates_only_lines_it_reports_and_once_at_a_time(lines, wy_analyst, my_analyst, yh_coordinator):
    with pytest.raises(ValidationError) as problem:
        services.nomination_create(actor=wy_analyst, line=lines.dex, kind="local_priority", rationale=RATIONALE)
    assert "line" in problem.value.message_dict
    with pytest.raises(PermissionDenied):
        services.nomination_create(actor=yh_coordinator, line=lines.jay, kind="local_priority", rationale=RATIONALE)
    services.nomination_create(actor=wy_analyst, line=lines.jay, kind="local_priority", rationale=RATIONALE)
    with pytest.raises(ValidationError) as problem:
        services.nomination_create(actor=wy_analyst, line=lines.jay, kind="local_priority", rationale=RATIONALE)
    assert "kind" in problem.value.message_dict
    assert Nomination.objects.count() == 1


def test_both_sides_see_the_decision_and_its_reason_on_the_pages(client, lines, wy_analyst, yh_coordinator,
                                                                 ny_analyst):
    sign_in(client, wy_analyst)
    response = client.post(reverse("tasking:nominate"), {"line": str(lines.jay.pk), "kind": "local_priority",
                                                         "rationale": RATIONALE})
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == reverse("tasking:nomination", args=[nomination.pk])

    sign_in(client, yh_coordinator)
    page = client.get(reverse("tasking:nominations")).content.decode()
    assert "West Yorkshire Police" in page and "Make it a local priority" in page
    response = client.post(reverse("tasking:nomination", args=[nomination.pk]),
                           {"decision": "decline", "reason": ""})
    assert "Enter the reason for your decision" in response.content.decode()
    client.post(reverse("tasking:nomination", args=[nomination.pk]),
                {"decision": "decline", "reason": "The line scores local and West Yorkshire can hold it."})

    for user in (wy_analyst, yh_coordinator):
        sign_in(client, user)
        page = client.get(reverse("tasking:nomination", args=[nomination.pk])).content.decode()
        assert "The line scores local and West Yorkshire can hold it." in page, user
        assert "Declined" in page
    sign_in(client, ny_analyst)
    assert client.get(reverse("tasking:nomination", args=[nomination.pk])).status_code == 404


def test_a_bad_line_number_is_a_located_error(client, lines, wy_analyst):
    sign_in(client, wy_analyst)
    response = client.post(reverse("tasking:nominate"), {"line": "JAY", "kind": "local_priority",
                                                         "rationale": RATIONALE})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_line"' in page and "Enter the line number" in page
    assert not Nomination.objects.exists()
