"""The journey every user takes first: password, security code, home page, sign out."""

import pytest
from django_otp.oath import totp

from crossline.conftest import PASSWORD
from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(user) -> str:
    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):0{device.digits}d}"


def test_an_analyst_signs_in_with_password_and_code_and_signs_out(browser_page, wy_analyst):
    page = browser_page
    page.goto("/")
    assert page.url.endswith("/account/sign-in?next=/")
    assert page.title() == "Sign in – Crossline"
    assert page.locator(".crossline-marking").first.text_content() == "Protective marking: OFFICIAL-SENSITIVE"
    check_accessibility(page)
    screenshot(page, "sign-in")

    page.get_by_label("Email address").fill(wy_analyst.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/account/mfa**")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    check_accessibility(page)
    page.get_by_label("Security code").fill(current_code(wy_analyst))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/")
    identity = page.locator(".moj-identity-bar")
    assert "Alice Analyst" in identity.inner_text()
    assert "West Yorkshire Police" in identity.inner_text()
    assert "Analyst" in identity.locator(".crossline-identity__roles").inner_text()
    navigation = page.get_by_role("navigation", name="Menu")
    assert navigation.get_by_role("link", name="Home").get_attribute("aria-current") == "page"
    check_accessibility(page)
    screenshot(page, "home-analyst")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/account/sign-in")
    assert "You have signed out." in page.locator(".govuk-notification-banner--success").inner_text()
    assert page.locator(".moj-identity-bar").count() == 0
    check_accessibility(page)


def test_a_blank_sign_in_shows_the_error_summary_linked_to_each_field(browser_page, db):
    page = browser_page
    page.goto("/account/sign-in")
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    # GOV.UK Frontend moves focus to the summary so screen reader users hear it first.
    assert summary.evaluate("node => node === document.activeElement")
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_username"
    assert page.locator("#id_username-error").is_visible()
    check_accessibility(page)
    screenshot(page, "sign-in-errors")
