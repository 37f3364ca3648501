import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from crossline.audit.models import AuditEvent
from crossline.conftest import PASSWORD


def current_code(user) -> str:
    device = user.totpdevice_set.get()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def password_step(client, username, password=PASSWORD):
    return client.post(reverse("accounts:sign_in"), {"username": username, "password": password})


@pytest.mark.django_db
def test_password_then_code_signs_in_with_a_new_session_id(client, wy_analyst):
    response = password_step(client, wy_analyst.username)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_challenge")
    key_after_password = client.session.session_key
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:mfa_challenge")

    response = client.post(reverse("accounts:mfa_challenge"), {"code": current_code(wy_analyst)})
    assert response.status_code == 302
    assert client.session.session_key != key_after_password
    assert client.get(reverse("core:home")).status_code == 200
    actions = list(AuditEvent.objects.filter(actor_id=wy_analyst.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["sign_in", "mfa"]


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_answer(client, wy_analyst):
    wrong_password = password_step(client, wy_analyst.username, "not the right password at all")
    unknown_user = password_step(client, "nobody@nowhere.example", "not the right password at all")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert "Enter a correct email address and password." in wrong_password.content.decode()


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, wy_analyst):
    code = current_code(wy_analyst)
    password_step(client, wy_analyst.username)
    assert client.post(reverse("accounts:mfa_challenge"), {"code": code}).status_code == 302
    client.post(reverse("accounts:sign_out"))
    password_step(client, wy_analyst.username)
    response = client.post(reverse("accounts:mfa_challenge"), {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:mfa_challenge")


@pytest.mark.django_db
def test_repeated_failures_lock_that_username_from_that_address_only(client, wy_analyst, ny_analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, wy_analyst.username, "wrong wrong wrong wrong")
    locked = password_step(client, wy_analyst.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Nobody else is locked out: not another user from the same address...
    assert password_step(client, ny_analyst.username).status_code == 302
    # ...nor the same user from another address.
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert password_step(other, wy_analyst.username).status_code == 302


@pytest.mark.django_db
def test_sign_out_ends_the_session_on_the_server(client, wy_analyst, settings):
    from crossline.conftest import sign_in

    sign_in(client, wy_analyst)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("accounts:sign_out")).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.django_db
def test_a_refused_sign_in_is_logged_as_json_with_the_username_escaped(client, caplog):
    import json
    import logging

    from crossline.core.logging import JsonFormatter

    forged = "mallory\r\n{\"level\": \"INFO\", \"message\": \"sign-in ok\"}"
    with caplog.at_level(logging.WARNING, logger="crossline.security"):
        password_step(client, forged, "wrong wrong wrong wrong")
    line = JsonFormatter().format(caplog.records[-1])
    assert "\n" not in line and "\r" not in line
    assert json.loads(line)["username"] == forged
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 1
    assert PASSWORD not in line
