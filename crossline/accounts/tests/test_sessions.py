from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.conftest import sign_in


def _age_session(client, **fields):
    session = client.session
    for key, delta in fields.items():
        session[key] = (timezone.now() - delta).isoformat()
    session.save()


@pytest.mark.django_db
def test_idle_sessions_end_after_30_minutes(client, wy_analyst):
    sign_in(client, wy_analyst)
    _age_session(client, last_seen=timedelta(minutes=29))
    assert client.get(reverse("core:home")).status_code == 200
    _age_session(client, last_seen=timedelta(minutes=31))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and "expired=1" in response["Location"]


@pytest.mark.django_db
def test_sessions_end_after_8_hours_however_active(client, wy_analyst):
    sign_in(client, wy_analyst)
    _age_session(client, auth_time=timedelta(hours=8, minutes=1))
    assert client.get(reverse("core:home")).status_code == 302
