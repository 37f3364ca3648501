from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.models import MachineClient
from crossline.conftest import sign_in


def create_client(client, admin, scopes=("returns:submit",)):
    sign_in(client, admin)
    response = client.post(reverse("organisations:machine_clients"), {"name": "Force RMS", "scopes": list(scopes)})
    assert response.status_code == 200
    return response.context["token"], MachineClient.objects.get(name="Force RMS")


@pytest.mark.django_db
def test_a_token_is_shown_once_and_only_its_hash_is_kept(client, wy_admin):
    token, machine = create_client(client, wy_admin)
    assert token.startswith("cl_") and token not in str(MachineClient.objects.values().get())
    assert machine.organisation == wy_admin.organisation
    assert machine.has_perm("crossline.submit_return") and not machine.has_perm("crossline.view_returns")


@pytest.mark.django_db
def test_the_api_accepts_a_live_token_and_refuses_revoked_expired_or_missing_ones(client, wy_admin):
    token, machine = create_client(client, wy_admin)
    api = client.__class__()
    schema = reverse("api-schema")
    assert api.get(schema).status_code == 401
    assert api.get(schema, HTTP_AUTHORIZATION="Bearer cl_not-a-real-token").status_code == 401
    assert api.get(schema, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    MachineClient.objects.filter(pk=machine.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get(schema, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    MachineClient.objects.filter(pk=machine.pk).update(expires_at=timezone.now() + timedelta(days=1))
    client.post(reverse("organisations:machine_client_revoke", args=[machine.pk]))
    assert api.get(schema, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.django_db
def test_a_council_client_never_gets_police_rights_whatever_its_scopes(leeds_council):
    machine = MachineClient.objects.create(
        organisation=leeds_council, name="Case system", scopes=["returns:submit", "placements:write"],
        token_prefix="cl_x", token_hash=MachineClient.hash_token("cl_x"), expires_at=timezone.now() + timedelta(days=1))
    assert not machine.has_perm("crossline.submit_return") and machine.has_perm("crossline.create_placement")


@pytest.mark.django_db
def test_admins_of_another_organisation_cannot_revoke_a_client(client, wy_admin, ny_admin):
    _, machine = create_client(client, wy_admin)
    sign_in(client, ny_admin)
    assert client.post(reverse("organisations:machine_client_revoke", args=[machine.pk])).status_code == 404
