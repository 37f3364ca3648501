"""The header offers one entry per part of the service; the home page still offers every page."""

import pytest
from django.urls import reverse

from crossline.conftest import sign_in

pytestmark = pytest.mark.django_db


def _header(response) -> list[tuple[str, str]]:
    return [(item["label"], item["current"]) for item in response.context["service_navigation"]]


def test_a_coordinator_sees_each_part_once_in_the_header_and_every_page_on_the_home_page(client,
                                                                                      national_coordinator):
    sign_in(client, national_coordinator)
    home = client.get(reverse("core:home"))
    labels = [label for label, _ in _header(home)]
    every_page = [item["label"] for item in home.context["navigation"]]

    assert len(labels) == len(set(labels)) and len(labels) < len(every_page)
    assert "League table" in every_page and "League table" not in labels  # a page of "Returns"
    assert ("Home", "page") in _header(home)


def test_a_page_marks_its_part_as_current(client, national_coordinator):
    sign_in(client, national_coordinator)
    league = client.get(reverse("compliance:league"))
    assert ("Returns", "true") in _header(league)  # a page within Returns, not the Returns page itself
    assert [label for label, current in _header(league) if current] == ["Returns"]


def test_a_part_the_user_reaches_only_through_a_later_page_is_still_offered(client, pcc_viewer):
    # A PCC office may see placement figures but not the notifications: the part is offered
    # through the page it may reach.
    sign_in(client, pcc_viewer)
    labels = [label for label, _ in _header(client.get(reverse("core:home")))]
    assert "Placement figures" in labels and "Placement notifications" not in labels
