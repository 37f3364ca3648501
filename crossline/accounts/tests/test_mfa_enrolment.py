import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django_otp.oath import TOTP

from crossline.accounts.models import BackupCode
from crossline.conftest import make_user, sign_in


def code_for(device) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


@pytest.mark.django_db
def test_first_sign_in_enrols_an_authenticator_and_shows_hashed_backup_codes(client, west_yorkshire_police):
    user = make_user(west_yorkshire_police, "analyst", mfa=False)
    sign_in(client, user, verified=False)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:mfa_enrol")

    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = user.totpdevice_set.get(confirmed=False)
    response = client.post(reverse("accounts:mfa_enrol"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(BackupCode.objects.filter(user=user))
    assert all(identify_hasher(b.code_hash).algorithm == "argon2" for b in stored)
    assert not any(code in b.code_hash for b in stored for code in codes)
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_a_backup_code_works_once(client, west_yorkshire_police):
    user = make_user(west_yorkshire_police, "analyst", mfa=False)
    sign_in(client, user, verified=False)
    client.get(reverse("accounts:mfa_enrol"))
    codes = client.post(reverse("accounts:mfa_enrol"),
                        {"code": code_for(user.totpdevice_set.get(confirmed=False))}).context["codes"]
    for expected in (302, 200):
        other = client.__class__()
        sign_in(other, user, verified=False)
        response = other.post(reverse("accounts:mfa_challenge"), {"code": codes[0]})
        assert response.status_code == expected


@pytest.mark.django_db
def test_wrong_codes_are_throttled(client, wy_analyst):
    sign_in(client, wy_analyst, verified=False)
    device = wy_analyst.totpdevice_set.get()
    client.post(reverse("accounts:mfa_challenge"), {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Throttled: even the right code is refused until the delay passes (it doubles with each failure).
    response = client.post(reverse("accounts:mfa_challenge"), {"code": code_for(device)})
    assert response.status_code == 200


@pytest.mark.django_db
def test_new_backup_codes_need_a_recent_second_factor(client, wy_analyst):
    sign_in(client, wy_analyst)
    session = client.session
    session["verified_at"] = "2000-01-01T00:00:00+00:00"
    session.save()
    response = client.get(reverse("accounts:backup_codes"))
    assert response.status_code == 302 and "step_up=1" in response["Location"]


@pytest.mark.django_db
def test_exporting_the_audit_trail_needs_a_recent_second_factor(client, wy_auditor):
    sign_in(client, wy_auditor)
    assert client.get(reverse("audit:export")).status_code == 200
    session = client.session
    session["verified_at"] = "2000-01-01T00:00:00+00:00"
    session.save()
    response = client.get(reverse("audit:export") + "?action=view&user=a")
    assert response.status_code == 302
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(response["Location"]).query)
    assert query["step_up"] == ["1"] and query["next"] == [reverse("audit:export") + "?action=view&user=a"]
