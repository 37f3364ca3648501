"""Deny by default (AC-01): every URL needs sign-in and MFA, and every view declares a permission."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from crossline.conftest import sign_in

# Views Django or a library provides, whose access control is their own and checked elsewhere.
LIBRARY_NAMESPACES = {"admin"}


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def _example_path(route: str) -> str:
    """A concrete path for a route pattern, with made-up values for its parameters."""
    import re

    path = re.sub(r"<int:\w+>", "999999", route)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<(?:str|slug|path:)?\w*:?\w+>", "unknown", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


ROUTES = [(route, ns, p) for route, ns, p in _walk(get_resolver()) if ns not in LIBRARY_NAMESPACES]


def _declared(view) -> tuple:
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if view_class is not None and hasattr(view_class, "permission_classes"):  # DRF
        from rest_framework.permissions import AllowAny

        assert view_class.permission_classes and AllowAny not in view_class.permission_classes
        return ("api",)
    return getattr(view, "crossline_permissions", ())


@pytest.mark.parametrize("route,namespace,pattern", ROUTES, ids=[r for r, _, _ in ROUTES])
def test_every_view_declares_what_it_needs(route, namespace, pattern):
    assert _declared(pattern.callback), f"/{route} ({pattern.name}) declares no permission: wrap it in @requires"


PUBLIC_OK = {"accounts:sign_in", "accounts:sign_out", "accounts:invitation_accept", "core:healthz"}


@pytest.mark.django_db
@pytest.mark.parametrize("route,namespace,pattern", ROUTES, ids=[r for r, _, _ in ROUTES])
def test_signed_out_people_reach_nothing_but_sign_in(client, route, namespace, pattern):
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    if name in PUBLIC_OK or route.startswith("api/"):
        return
    response = client.get(_example_path(route))
    assert response.status_code == 302, f"{route} answered {response.status_code} to a signed-out person"
    assert response["Location"].startswith(reverse("accounts:sign_in"))


MFA_STEP_OK = PUBLIC_OK | {"accounts:mfa_challenge", "accounts:mfa_enrol"}


@pytest.mark.django_db
@pytest.mark.parametrize("route,namespace,pattern", ROUTES, ids=[r for r, _, _ in ROUTES])
def test_a_session_without_mfa_reaches_only_the_mfa_step(client, national_coordinator, route, namespace, pattern):
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    if name in MFA_STEP_OK or route.startswith("api/"):
        return
    sign_in(client, national_coordinator, verified=False)
    response = client.get(_example_path(route))
    assert response.status_code == 302, f"{route} answered {response.status_code} before MFA"
    assert response["Location"] == reverse("accounts:mfa_challenge")


@pytest.mark.django_db
def test_admin_site_is_not_at_admin_and_needs_a_verified_system_admin(client, system_admin, wy_admin):
    assert reverse("admin:index") != "/admin/"
    assert client.get("/admin/").status_code in (302, 404)
    sign_in(client, wy_admin)
    assert client.get(reverse("admin:index")).status_code == 302  # an organisation admin is not a system admin
    sign_in(client, system_admin, verified=False)
    assert client.get(reverse("admin:index"))["Location"] == reverse("accounts:mfa_challenge")
    sign_in(client, system_admin)
    assert client.get(reverse("admin:index")).status_code == 200
