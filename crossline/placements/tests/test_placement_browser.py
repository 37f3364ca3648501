"""The council's journey in a browser: state a purpose, answer the question pages (one saved as a
draft on the way), check the answers, send, and read the confirmation; then the host force reads
it. Every page meets WCAG 2.2 AA (axe) and runs under the strict CSP."""

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.placements.models import PlacementNotification
from crossline.placements.outbox import deliveries_dispatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, label, day):
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def save_and_continue(page, name):
    check_accessibility(page)
    screenshot(page, f"placement-{name}")
    page.get_by_role("button", name="Save and continue").click()


def test_a_council_officer_notifies_the_police_of_a_placement(browser_page, live_server, council_officer,
                                                              ny_analyst):
    page = browser_page
    today = timezone.localdate()
    sign_in_browser(page, council_officer, live_server=live_server)
    page.goto(reverse("placements:list"))
    page.get_by_label("Placement notification").check()
    page.get_by_label("Describe the purpose").fill("Placing a looked-after child in Harrogate")
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page)
    page.get_by_role("button", name="Notify the police of a placement").click()
    check_accessibility(page)
    screenshot(page, "placement-start")
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("First names").fill("Jay Lee")
    page.get_by_label("Last name").fill("Smith")
    fill_date(page, "Date of birth", today.replace(year=today.year - 15))
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Your council's reference for the child").fill("LCC-000123")
    page.get_by_label("NHS number (optional)").fill("943 476 5918")  # a slip in the check digit
    save_and_continue(page, "child")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.title().startswith("Error: ")
    check_accessibility(page)
    screenshot(page, "placement-child-error")
    page.get_by_role("link", name="This is not a valid NHS number").click()
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_role("button", name="Save as draft").click()
    assert page.get_by_text("Your draft has been saved").is_visible()
    page.get_by_role("link", name="Continue the draft for Jay Lee Smith").click()
    page.get_by_role("link", name="Complete legal status").click()

    page.get_by_label("Care order under section 31 of the Children Act 1989").check()
    save_and_continue(page, "legal-status")
    page.get_by_label("Criminal exploitation").check()
    page.get_by_label("County lines").check()
    page.get_by_label("Summary of the risks").fill("Groomed to run drugs between Leeds and Harrogate.")
    save_and_continue(page, "risks")
    page.get_by_label("Children's home", exact=True).check()
    page.get_by_label("Provider").fill("Dales View Homes Ltd")
    page.get_by_label("Address of the placement").fill("1 Example Road\nHarrogate")
    page.get_by_label("Postcode").fill("hg1 2ab")
    fill_date(page, "Start date", today)
    save_and_continue(page, "placement")
    page.get_by_label("Social worker's name").fill("Sam Worker")
    page.get_by_label("Social worker's phone number").fill("0113 496 0001")
    page.get_by_label("Social worker's email address").fill("sam.worker@leeds.example.gov.uk")
    page.get_by_label("Out-of-hours contact").fill("Leeds Emergency Duty Team")
    page.get_by_label("Out-of-hours phone number").fill("0113 496 0999")
    save_and_continue(page, "contacts")
    page.get_by_label("Description of the child").fill("5ft 6, slim, short dark hair, grey tracksuit.")
    save_and_continue(page, "profile")

    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending the notification"
    assert page.get_by_text("943 476 5919").is_visible() and page.get_by_text("HG1 2AB").is_visible()
    check_accessibility(page)
    screenshot(page, "placement-check")
    page.get_by_role("button", name="Send notification").click()

    notification = PlacementNotification.objects.get()
    assert page.get_by_role("heading", name="Placement notification sent").is_visible()
    assert page.get_by_text(notification.reference).is_visible()
    assert page.get_by_text("North Yorkshire Police").first.is_visible()
    check_accessibility(page)
    screenshot(page, "placement-confirmation")

    deliveries_dispatch()
    page.context.clear_cookies()
    sign_in_browser(page, ny_analyst, live_server=live_server)
    page.goto(reverse("placements:detail", args=[notification.reference]))
    page.get_by_label("Safeguarding a child or vulnerable person").check()
    page.get_by_label("Describe the purpose").fill("Acknowledging a placement in our area")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Jay Lee Smith").is_visible()
    assert page.get_by_role("button", name="Acknowledge", exact=True).is_visible()
    check_accessibility(page)
    screenshot(page, "placement-detail-host-force")
    page.get_by_role("button", name="Acknowledge", exact=True).click()
    page.get_by_label("We have checked local intelligence").check()
    page.get_by_label("Risk management plan").fill("Address flagged; neighbourhood team briefed.")
    page.get_by_label("Named officer", exact=True).fill("PC Sam Dale")
    page.get_by_label("How to contact the named officer").fill("0300 000 0001")
    check_accessibility(page)
    screenshot(page, "placement-acknowledge")
    page.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_text("is acknowledged").is_visible()
    check_accessibility(page)
    screenshot(page, "placement-detail-acknowledged")
    page.goto(reverse("placements:list"))
    check_accessibility(page)
    screenshot(page, "placement-list-host-force")


def test_the_other_pages_with_the_demo_placements(browser_page, live_server, settings):
    """The lists each organisation sees, the triage desk's routing page, a match alert's absence
    of detail and the figures: all accessible under the CSP."""
    from crossline.accounts.models import User
    from crossline.demo.services import demo_users_load
    from crossline.placements.demo import placements_demo_load

    settings.CROSSLINE_DEMO = True
    demo_users_load()
    made = placements_demo_load()
    page = browser_page

    def visit(username, url, name):
        page.context.clear_cookies()
        sign_in_browser(page, User.objects.get(username=username), live_server=live_server)
        page.goto(url)
        if page.get_by_role("heading", name="State your purpose").count():
            page.get_by_label("Placement notification").check()
            page.get_by_label("Describe the purpose").fill("Demonstrating placement notifications")
            page.get_by_role("button", name="Continue").click()
        check_accessibility(page)
        screenshot(page, f"placement-{name}")

    visit("safeguarding@leeds.demo", reverse("placements:list"), "list-council")
    assert page.get_by_role("heading", name="Made by your council").is_visible()
    visit("coordinator@nclcc.demo", reverse("placements:list"), "list-national-desk")
    assert page.get_by_role("heading", name="Triage: find the police force").is_visible()
    assert page.get_by_role("heading", name="Duty desk: not acknowledged in time").is_visible()
    visit("coordinator@nclcc.demo", reverse("placements:route", args=[made[2].reference]), "route")
    visit("safeguarding@leeds.demo", reverse("placements:detail", args=[made[1].reference]), "detail-escalated")
    assert page.get_by_text("Escalated to the national duty desk").first.is_visible()
    visit("pcc@westyorkshire.demo", reverse("placements:figures"), "figures")
    assert page.get_by_role("row", name="North Yorkshire Police").is_visible()
