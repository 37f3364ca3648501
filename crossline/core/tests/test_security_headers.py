import pytest
from django.urls import reverse

from crossline.conftest import sign_in


@pytest.mark.django_db
def test_pages_carry_strict_browser_security_headers(client, wy_analyst):
    sign_in(client, wy_analyst)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) >= 8


@pytest.mark.django_db
def test_server_errors_show_the_generic_page_without_a_traceback(client, settings):
    from django.test import Client

    from crossline.core import views

    settings.DEBUG = False
    response = views.server_error(Client().get("/").wsgi_request)
    assert response.status_code == 500
    assert b"Traceback" not in response.content
