"""An analyst opens a line's network: Cytoscape.js draws it under the strict Content Security
Policy (no inline script or style), with the accessible table beside it, and the page meets
WCAG 2.2 AA. The fixture fails the test on any CSP refusal, script error or missing file."""

import pytest
from django.urls import reverse

from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.linkage.tests.support import entity_of, line, location, person, resolve, submit_return, vehicle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_line_s_network_is_drawn_beside_its_table(browser_page, live_server, wy_analyst, settings, tmp_path):
    from django.contrib.staticfiles import finders

    if not finders.find("vendor/cytoscape.min.js"):
        pytest.fail("frontend/build has no Cytoscape.js: run `make assets`")
    settings.RAW_FILE_STORE = tmp_path / "raw"
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line("WY-L-1", "JAY", ["07700 900123"])], people=[
        person("WY-P-1", "Ward", "Jack", "1990-09-21", roles=("line_holder",), line_refs=["WY-L-1"])],
        locations=[location("WY-A-1", "trap_house", "5 Mill Lane, Harrogate", "HG1 1AA", line_refs=["WY-L-1"])],
        vehicles=[vehicle("WY-V-1", "AB12 CDE", line_refs=["WY-L-1"])])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-L-1", "Jay line", ["+447700900123"])])
    resolve()
    page = browser_page
    sign_in_browser(page, wy_analyst, live_server=live_server)

    page.goto(reverse("linkage:network", args=[entity_of("line", WEST_YORKSHIRE, "WY-L-1")]))
    # Personal data: the page asks for a purpose first (DPA s.62), then shows the network.
    page.locator("[name=code]").first.check() if page.locator("input[type=radio][name=code]").count() \
        else page.locator("select[name=code]").select_option(index=1)
    page.locator("[name=text]").fill("Mapping the JAY line across forces")
    page.get_by_role("button", name="Continue").click()

    page.locator("#line-network canvas").first.wait_for()
    assert set(page.locator("#line-network").get_attribute("class").split()) == {
        "crossline-network", "crossline-network--drawn", "__________cytoscape_container"}
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    rows = page.locator("table").first.locator("tbody tr")
    assert rows.count() == 4  # the line, Jack Ward, the trap house and the car
    check_accessibility(page)
    screenshot(page, "linkage-network")
