"""Before personal data is first shown in a session, the user says why (LOG-01 justification)."""

import pytest
from django.urls import reverse

from crossline.audit.decorators import personal_data_view
from crossline.audit.models import AuditAction, AuditEvent
from crossline.audit.tests.urls import person
from crossline.conftest import sign_in
from crossline.core.permissions import requires

pytestmark = [pytest.mark.django_db, pytest.mark.urls("crossline.audit.tests.urls")]

PURPOSE = {"code": "safeguarding", "text": "Strategy meeting for a child at risk"}


def test_personal_data_is_withheld_until_a_purpose_is_stated(client, wy_analyst):
    sign_in(client, wy_analyst)

    response = client.get("/test-person/42/?tab=links")

    assert response.status_code == 302
    assert response["Location"] == reverse("audit:state_purpose") + "?next=%2Ftest-person%2F42%2F%3Ftab%3Dlinks"
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_stating_a_purpose_is_audited_and_returns_to_the_page(client, wy_analyst):
    sign_in(client, wy_analyst)
    form = client.get(reverse("audit:state_purpose"), {"next": "/test-person/42/"})
    assert form.status_code == 200
    assert b'value="/test-person/42/"' in form.content

    response = client.post(reverse("audit:state_purpose"), {**PURPOSE, "next": "/test-person/42/"})

    assert response.status_code == 302 and response["Location"] == "/test-person/42/"
    stated = AuditEvent.objects.get(action=AuditAction.STATE_PURPOSE)
    assert (stated.actor_id, stated.purpose_code, stated.purpose_text) == (wy_analyst.pk, *PURPOSE.values())
    assert client.session["purpose_code"] == "safeguarding"
    assert client.session["purpose_stated_at"]


def test_after_stating_a_purpose_views_are_shown_and_audited_with_it(client, wy_analyst):
    sign_in(client, wy_analyst)
    client.post(reverse("audit:state_purpose"), {**PURPOSE, "next": "/test-person/42/"})

    response = client.get("/test-person/42/")

    assert response.status_code == 200 and response.content == b"Person 42"
    viewed = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (viewed.object_refs, viewed.purpose_code, viewed.purpose_text) == (["42"], *PURPOSE.values())
    assert viewed.request_id == response["X-Request-ID"]


def test_a_user_who_may_not_see_personal_data_is_refused_not_asked(client, pcc_viewer):
    sign_in(client, pcc_viewer)
    assert client.get("/test-person/42/").status_code == 403


@pytest.mark.parametrize("data, message", [
    ({"text": "A long enough purpose"}, b"Choose why you need to see personal data"),
    ({"code": "safeguarding", "text": "too short"}, b"at least 10 characters"),
    ({"code": "safeguarding", "text": "x" * 501}, b"500 characters or fewer"),
    ({"code": "curiosity", "text": "A long enough purpose"}, b"Select a valid choice"),
])
def test_a_bad_purpose_is_refused_with_a_message_and_nothing_saved(client, wy_analyst, data, message):
    sign_in(client, wy_analyst)

    response = client.post(reverse("audit:state_purpose"), data)

    assert response.status_code == 200
    assert message in response.content
    assert "purpose_code" not in client.session
    assert not AuditEvent.objects.filter(action=AuditAction.STATE_PURPOSE).exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", ""])
def test_next_never_leaves_the_service(client, wy_analyst, next_url):
    sign_in(client, wy_analyst)

    response = client.post(reverse("audit:state_purpose"), {**PURPOSE, "next": next_url})

    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_the_purpose_gate_keeps_the_permission_declaration_either_way_round():
    assert person.crossline_permissions == ("crossline.view_personal_data",)

    def view(request):
        raise AssertionError

    outermost = personal_data_view(requires("crossline.view_personal_data")(view))
    assert outermost.crossline_permissions == ("crossline.view_personal_data",)
    assert outermost.crossline_personal_data is True
