import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from crossline.accounts.models import User
from crossline.audit.models import AuditEvent
from crossline.conftest import sign_in


@pytest.mark.django_db
def test_an_analyst_gets_not_found_for_another_organisations_users(client, wy_analyst, ny_analyst):
    sign_in(client, wy_analyst)
    assert client.get(reverse("organisations:user", args=[ny_analyst.pk])).status_code == 404
    assert client.get(reverse("organisations:user", args=[wy_analyst.pk])).status_code == 200


@pytest.mark.django_db
def test_an_admin_manages_only_their_own_organisations_users(client, wy_admin, ny_analyst, wy_analyst):
    sign_in(client, wy_admin)
    for name in ("organisations:user", "organisations:user_roles", "organisations:user_suspend"):
        assert client.get(reverse(name, args=[ny_analyst.pk])).status_code == 404
    assert client.post(reverse("organisations:user_reactivate", args=[ny_analyst.pk])).status_code == 404
    listing = client.get(reverse("organisations:users")).content.decode()
    assert wy_analyst.full_name in listing and ny_analyst.full_name not in listing


@pytest.mark.django_db
def test_viewing_a_users_profile_writes_exactly_one_audit_record(client, wy_admin, wy_analyst):
    sign_in(client, wy_admin)
    before = AuditEvent.objects.count()
    assert client.get(reverse("organisations:user", args=[wy_analyst.pk])).status_code == 200
    events = list(AuditEvent.objects.all()[before:])
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.object_type, event.object_refs) == ("view", "accounts.User", [str(wy_analyst.pk)])
    assert event.actor_id == wy_admin.pk and event.organisation_name == "West Yorkshire Police"
    assert event.roles == ["organisation_admin"] and event.request_id and event.client_ip == "127.0.0.1"


@pytest.mark.django_db
def test_suspending_a_user_ends_all_their_sessions(client, wy_admin, wy_analyst):
    analyst_phone, analyst_laptop = client.__class__(), client.__class__()
    for c in (analyst_phone, analyst_laptop):
        c.post(reverse("accounts:sign_in"), {"username": wy_analyst.username,
                                             "password": "correct horse battery staple 42"})
    assert Session.objects.count() == 2
    sign_in(client, wy_admin)
    response = client.post(reverse("organisations:user_suspend", args=[wy_analyst.pk]), {"reason": "Left the force"})
    assert response.status_code == 302
    wy_analyst.refresh_from_db()
    assert not wy_analyst.is_active and wy_analyst.suspended_at
    for c in (analyst_phone, analyst_laptop):
        assert c.get(reverse("accounts:mfa_challenge")).status_code == 302
        assert not c.session.get("_auth_user_id")
    # The suspended person cannot sign in again, and is told nothing about why.
    again = client.__class__().post(reverse("accounts:sign_in"), {
        "username": wy_analyst.username, "password": "correct horse battery staple 42"})
    assert "Enter a correct email address and password." in again.content.decode()


@pytest.mark.django_db
def test_an_admin_invites_a_colleague_who_sets_a_password(client, wy_admin, django_capture_on_commit_callbacks):
    sign_in(client, wy_admin)
    response = client.post(reverse("organisations:user_invite"), {
        "full_name": "Dana New", "email": "Dana.New@westyorkshire.example", "roles": ["analyst"]})
    assert response.status_code == 302
    invited = User.objects.get(username="dana.new@westyorkshire.example")
    assert invited.organisation == wy_admin.organisation and invited.roles == {"analyst"}
    assert not invited.has_usable_password()
    # The invitation e-mail is queued with the user; the worker sends it.
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get()
    task.task.call(**task.args_kwargs["kwargs"])
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/invitation/" in line)
    path = link[link.index("/account/"):]
    weak = client.__class__().post(path, {"password": "short", "password_again": "short"})
    assert weak.status_code == 200 and "at least 15 characters" in weak.content.decode()
    ok = client.__class__().post(path, {"password": "a long and unusual pass phrase",
                                        "password_again": "a long and unusual pass phrase"})
    assert ok.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("a long and unusual pass phrase")
    # The link works once.
    assert client.__class__().post(path, {"password": "another long pass phrase here",
                                          "password_again": "another long pass phrase here"}).status_code == 200


@pytest.mark.django_db
def test_an_admin_cannot_grant_roles_the_organisation_kind_cannot_hold(client, council_officer):
    from crossline.accounts.models import RoleGrant

    RoleGrant.objects.create(user=council_officer, role="organisation_admin")
    sign_in(client, council_officer)
    response = client.post(reverse("organisations:user_invite"), {
        "full_name": "Ann Other", "email": "ann@leeds.example", "roles": ["submitter"]})
    assert response.status_code == 200
    assert not User.objects.filter(username="ann@leeds.example").exists()
