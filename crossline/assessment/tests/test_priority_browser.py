"""A national co-ordinator opens the priority list, filters it, and opens the small line that
exploits a child: the page says why, under the strict CSP, meeting WCAG 2.2 AA."""

import pytest
from django.urls import reverse

from crossline.assessment.services import assess_lines
from crossline.assessment.tests.support import line, person, submit
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.linkage.tests.support import resolve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_co_ordinator_finds_the_small_child_line_first_and_reads_why(browser_page, live_server,
                                                                         national_coordinator, settings, tmp_path):
    settings.RAW_FILE_STORE = tmp_path / "raw"
    submit(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "CASEY", ["07700 900111"])], people=[
        person("WY-P-1", "Child", "Casey", "2011-04-02", factors=("under_18",), line_refs=["WY-L-1"])])
    submit(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-1", "BIGLINE", ["07700 900222"], exporting=NORTH_YORKSHIRE,
                                                      importing=(WEST_YORKSHIRE, "E23000004", "E23000003"),
                                                      drugs=["crack_cocaine", "heroin", "cannabis"])],
           people=[person(f"NY-P-{n}", f"Adult{n}", "Sam", f"198{n}-02-03", line_refs=["NY-L-1"]) for n in range(9)])
    resolve()
    assess_lines()
    page = browser_page
    sign_in_browser(page, national_coordinator, live_server=live_server)
    page.goto(reverse("assessment:priorities"))
    page.locator("input[type=radio][name=code]").first.check()
    page.locator("[name=text]").fill("Preparing the national tasking meeting")
    page.get_by_role("button", name="Continue").click()

    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "CASEY" in rows.nth(0).inner_text() and "BIGLINE" in rows.nth(1).inner_text()
    check_accessibility(page)
    screenshot(page, "assessment-priority-list")

    page.select_option("select[name=sort]", "forces")
    page.get_by_role("button", name="Show lines").click()
    assert page.locator("select[name=sort]").input_value() == "forces"

    page.get_by_role("link", name="CASEY").click()
    assert page.get_by_role("heading", name="Why it is a regional priority").is_visible()
    assert "exploits 1 child (35)" in page.content()
    check_accessibility(page)
    screenshot(page, "assessment-line-profile")
