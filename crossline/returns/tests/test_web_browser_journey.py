"""The submitter's journey in a real browser: upload a return with mistakes, read the errors,
fix them, upload again, and browse what was stored. Each page meets WCAG 2.2 AA (axe) and runs
under the strict Content Security Policy."""

import re

import pytest
from django.urls import reverse

from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.returns.models import NationalReturn, Submission
from crossline.returns.tests.builders import as_xlsx, sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_mistakes() -> dict:
    doc = sample_return()
    doc["people"][0]["roles"] = ["lookout"]
    doc["people"][1]["gender"] = "=cmd|' /C calc'!A0"
    doc["lines"][0]["status"] = "asleep"
    return doc


def test_upload_rejected_fix_accepted_then_browse(browser_page, live_server, wy_submitter, raw_store, tmp_path):
    page = browser_page
    wrong, right = tmp_path / "october.xlsx", tmp_path / "october-fixed.xlsx"
    wrong.write_bytes(as_xlsx(with_mistakes()))
    right.write_bytes(as_xlsx(sample_return()))
    sign_in_browser(page, wy_submitter, live_server=live_server)

    page.goto(reverse("returns:submit"))
    assert page.get_by_role("heading", level=1).inner_text() == "Submit a national return"
    check_accessibility(page)
    screenshot(page, "returns-upload")

    page.get_by_label("Upload your return").set_input_files(wrong)
    page.get_by_role("button", name="Check and submit return").click()
    page.wait_for_url(re.compile(r"/returns/submissions/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your return was not accepted"
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link").count() == 3
    assert "people row 3, gender" in summary.inner_text()
    check_accessibility(page)
    screenshot(page, "returns-rejected")
    summary.get_by_role("link", name=re.compile("lines row 2, status")).click()
    target = page.locator(":target")
    assert "asleep" in target.inner_text()
    assert not NationalReturn.objects.exists()

    page.get_by_role("link", name="submit the return again").click()
    page.get_by_label("Upload your return").set_input_files(right)
    page.get_by_role("button", name="Check and submit return").click()
    page.wait_for_url(re.compile(r"/returns/submissions/\d+$"))
    assert page.locator(".govuk-panel__title").inner_text() == "Return accepted"
    check_accessibility(page)
    screenshot(page, "returns-accepted")
    assert Submission.objects.filter(status="rejected").count() == 1

    page.get_by_role("link", name="View the return").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Return: October 2026, version 1")
    check_accessibility(page)
    screenshot(page, "returns-detail")

    page.get_by_role("navigation", name="Parts of this return").get_by_role("link", name="People (2)").click()
    assert page.url.startswith(live_server.url + reverse("audit:state_purpose"))
    page.get_by_label("Intelligence development").check()
    page.get_by_label("Describe the purpose").fill("Profiling the JAY line for Operation Example")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/returns/\d+/people$"))
    check_accessibility(page)
    screenshot(page, "returns-people")

    page.get_by_role("link", name="WY-P-1").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Smith, Jay Lee"
    submitted, stored = page.get_by_role("row", name=re.compile("phone_numbers")).locator("td").all_inner_texts()
    assert (submitted, stored.split()[-1]) == ("07700 900555", "+447700900555")
    check_accessibility(page)
    screenshot(page, "returns-person")

    page.get_by_role("link", name="WY-L-0042").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "JAY"
    check_accessibility(page)
    screenshot(page, "returns-line")


def test_the_submissions_list_in_a_browser(browser_page, live_server, national_coordinator, wy_submitter, raw_store):
    from crossline.returns.tests.storage_support import submit

    submit(wy_submitter, form="json")
    submit(wy_submitter, with_mistakes(), form="json")
    page = browser_page
    sign_in_browser(page, national_coordinator, live_server=live_server)

    page.goto(reverse("returns:submissions"))
    assert page.get_by_role("row").count() == 3
    page.get_by_label("Outcome").select_option("rejected")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("row").count() == 2
    check_accessibility(page)
    screenshot(page, "returns-submissions")
    page.goto(reverse("returns:list"))
    check_accessibility(page)
    screenshot(page, "returns-list")
