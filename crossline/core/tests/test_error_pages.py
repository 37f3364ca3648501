"""Error pages say what to do next and never what went wrong inside (LOG-05)."""

import pytest
from django.template import loader
from django.urls import reverse

from crossline.conftest import sign_in


def test_the_server_error_page_renders_with_no_request_and_no_database():
    # No django_db mark: pytest-django makes any database access here an error.
    html = loader.get_template("errors/500.html").render()
    assert "Sorry, there is a problem with the service" in html
    assert html.count("OFFICIAL-SENSITIVE") == 2


@pytest.mark.django_db
def test_a_user_whose_role_does_not_allow_a_page_is_told_who_can_help(client, wy_analyst):
    sign_in(client, wy_analyst)
    response = client.get(reverse("audit:search"))
    assert response.status_code == 403
    assert b"You cannot see this page" in response.content
    assert b"Crossline administrator" in response.content
    assert b"Alice Analyst" in response.content  # still inside the service, with its navigation


@pytest.mark.django_db
def test_a_missing_page_keeps_the_protective_marking(client, wy_analyst):
    sign_in(client, wy_analyst)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.content.count(b"OFFICIAL-SENSITIVE") >= 2
