"""The tasking journeys in a browser: a co-ordinator tasks a line to a force, the force accepts,
updates and completes it; a force nominates a line and sees the region's decision. Every page
meets WCAG 2.2 AA (axe) and runs under the strict CSP."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.tasking.models import Nomination, Tasking, TaskingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_line_is_tasked_accepted_updated_and_completed(browser_page, live_server, lines, national_coordinator,
                                                         wy_analyst):
    page = browser_page
    sign_in_browser(page, national_coordinator, live_server=live_server)
    page.goto(f"/tasking/new?line={lines.jay.pk}")
    page.get_by_label("Title").fill("Disrupt JAY into Harrogate")
    page.get_by_label("Disrupt").check()
    page.get_by_label("High").check()
    due = timezone.localdate() + timedelta(days=10)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label(re.compile(r"^West Yorkshire Police \(reports the line\)$")).check()
    page.get_by_label("Instructions").fill("Identify the line holder; safeguard the children running for JAY.")
    check_accessibility(page)
    page.get_by_role("button", name="Set tasking").click()
    tasking = Tasking.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == "Disrupt JAY into Harrogate"
    check_accessibility(page)

    sign_in_browser(page, wy_analyst, live_server=live_server)
    page.goto("/tasking/")
    check_accessibility(page)
    page.get_by_role("link", name=tasking.reference).click()
    page.get_by_label("Yes, accept it").check()
    page.get_by_role("button", name="Send answer").click()
    page.get_by_label("Update").fill("Deal phone attributed; test purchase booked for Friday.")
    page.get_by_role("button", name="Post update").click()
    page.get_by_role("link", name="Complete the tasking").click()
    page.get_by_label("Type 1: line holder charged").check()
    for label, value in (("Arrests", "2"), ("Charges", "2"), ("Safeguarding referrals", "1"),
                         ("National Referral Mechanism (NRM) referrals", "1")):
        page.get_by_label(label).fill(value)
    page.get_by_label("What was achieved").fill("Line holder charged; one child safeguarded.")
    check_accessibility(page)
    page.get_by_role("button", name="Complete tasking").click()
    assert "Tasking completed" in page.locator(".govuk-notification-banner").inner_text()
    check_accessibility(page)
    screenshot(page, "tasking-completed")
    tasking.refresh_from_db()
    assert tasking.status == TaskingStatus.COMPLETED


def test_a_nomination_and_its_decision_are_seen_by_both(browser_page, live_server, lines, wy_analyst,
                                                        yh_coordinator):
    page = browser_page
    sign_in_browser(page, wy_analyst, live_server=live_server)
    page.goto("/tasking/nominations/new")
    page.get_by_role("button", name="Send nomination").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_accessibility(page)
    page.get_by_label("Line number").fill(str(lines.lonely.pk))
    page.get_by_label("Ask for regional support").check()
    page.get_by_label("Why does this line matter?").fill("A 13-year-old from Wakefield runs BOX; missing twice.")
    page.get_by_role("button", name="Send nomination").click()
    nomination = Nomination.objects.get()

    sign_in_browser(page, yh_coordinator, live_server=live_server)
    page.goto("/tasking/nominations/")
    check_accessibility(page)
    screenshot(page, "tasking-nominations-coordinator")
    page.get_by_role("link", name=re.compile(f"Decide on nomination {nomination.pk}")).click()
    page.get_by_label("Decline").check()
    page.get_by_label("Reason").fill("West Yorkshire's own surveillance team is free from Monday.")
    page.get_by_role("button", name="Record decision").click()
    check_accessibility(page)

    sign_in_browser(page, wy_analyst, live_server=live_server)
    page.goto(f"/tasking/nominations/{nomination.pk}")
    assert "West Yorkshire's own surveillance team is free from Monday." in page.content()
    assert page.locator("main .govuk-tag").first.inner_text() == "Declined"
    check_accessibility(page)
    screenshot(page, "tasking-nomination-decided")
