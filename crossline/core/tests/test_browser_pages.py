"""Signed-in pages look right, meet WCAG 2.2 AA and run under the strict CSP, for each kind of user."""

import pytest
from django.urls import NoReverseMatch, reverse

from crossline.core.navigation import ITEMS
from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def served(label: str) -> bool:
    """Whether the app behind a navigation label is installed yet (apps arrive one by one)."""
    name = next(name for item_label, name, *_ in ITEMS if item_label == label)
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.parametrize(
    ("person", "organisation", "may_see", "may_not_see"),
    [
        ("wy_analyst", "West Yorkshire Police", ["Returns", "Compliance"], ["Users", "Audit"]),
        ("council_officer", "Leeds City Council", [], ["Returns", "Users"]),
        ("pcc_viewer", "Office of the West Yorkshire Mayor (Policing and Crime)", [], ["Returns", "Audit"]),
        ("wy_admin", "West Yorkshire Police", ["Users"], ["Returns"]),
    ],
)
def test_home_offers_what_each_role_may_do(browser_page, live_server, request, person, organisation, may_see,
                                           may_not_see):
    user = request.getfixturevalue(person)
    page = browser_page
    sign_in_browser(page, user, live_server=live_server)
    page.goto(reverse("core:home"))

    assert page.get_by_role("heading", level=1).inner_text() == user.full_name
    assert page.locator(".govuk-caption-l").inner_text() == organisation
    cards = page.locator(".crossline-card").all_inner_texts()
    for label in filter(served, may_see):
        assert any(card.startswith(label) for card in cards), (label, cards)
    for label in may_not_see:
        assert not any(card.startswith(label) for card in cards), (label, cards)
        assert page.get_by_role("navigation", name="Menu").get_by_role("link", name=label, exact=True).count() == 0
    check_accessibility(page)
    screenshot(page, f"home-{person}")


def test_geography_page(browser_page, live_server, wy_analyst):
    try:
        url = reverse("reference:areas")
    except NoReverseMatch:
        pytest.skip("the geography page is not served yet")
    page = browser_page
    sign_in_browser(page, wy_analyst, live_server=live_server)
    page.goto(url)
    navigation = page.get_by_role("navigation", name="Menu")
    assert navigation.get_by_role("link", name="Geography").get_attribute("aria-current") == "page"
    check_accessibility(page)
    screenshot(page, "geography")


def test_not_found_page_keeps_the_layout_and_says_what_to_do(browser_page, live_server, wy_analyst):
    page = browser_page
    sign_in_browser(page, wy_analyst, live_server=live_server)
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.locator(".crossline-marking").count() == 2
    check_accessibility(page)
    screenshot(page, "not-found")


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(browser_page, live_server, wy_analyst):
    """GOV.UK Frontend's script, started by main.mjs under the strict CSP, folds the navigation."""
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_browser(page, wy_analyst, live_server=live_server)
    page.goto(reverse("core:home"))
    menu = page.get_by_role("button", name="Menu")
    navigation_link = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Geography")

    menu.wait_for(state="visible")
    assert not navigation_link.is_visible()
    menu.click()
    assert navigation_link.is_visible()
    check_accessibility(page)
    screenshot(page, "home-phone-menu-open")
