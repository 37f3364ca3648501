"""The journeys people take, in Chromium under the strict CSP, checked with axe (WCAG 2.2 AA):
a submitter sends results, is told what is wrong beside each figure, corrects them; the national
co-ordinator reads the week's totals and charts."""

import pytest
from django.urls import reverse

from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.intensification.models import WeekResult
from crossline.intensification.services import results_submit
from crossline.intensification.tests.support import WEST_YORKSHIRE, figures, raw, week_on, week_started
from crossline.reference.models import PoliceForce

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_submitter_corrects_their_mistakes_and_sends_results(browser_page, live_server, wy_submitter):
    week = week_started()
    page = browser_page
    sign_in_browser(page, wy_submitter, live_server=live_server)
    page.goto(reverse("intensification:submit", args=[week.pk]))
    for key, value in figures(arrests="ten", charges="").items():
        page.locator(f"#id_{key}").fill(str(value))
    page.get_by_role("button", name="Check and send results").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.locator("a").all_inner_texts() == ["Enter arrests as a number, like 12",
                                                      "Enter the number of charges, or 0 if there were none"]
    check_accessibility(page)
    screenshot(page, "intensification-submit-errors")
    summary.get_by_role("link", name="Enter arrests as a number, like 12").click()
    assert page.evaluate("document.activeElement.id") == "id_arrests"

    page.locator("#id_arrests").fill("3")
    page.locator("#id_charges").fill("5")
    page.get_by_role("button", name="Check and send results").click()
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert "There are more charges (5) than arrests (3)" in page.locator(".govuk-list--bullet").inner_text()
    check_accessibility(page)
    screenshot(page, "intensification-force-results")
    assert WeekResult.objects.get().arrests == 3


def test_the_national_coordinator_reads_totals_and_charts(browser_page, live_server, national_coordinator,
                                                          wy_submitter):
    earlier = week_on(week_started(30, name="Earlier").starts_on, "Earlier week")
    week = week_started(name="This week")
    for target, arrests in ((earlier, 40), (week, 25)):
        results_submit(week=target, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(arrests=arrests),
                       through="form", actor=wy_submitter)
    page = browser_page
    sign_in_browser(page, national_coordinator, live_server=live_server)
    page.goto(reverse("intensification:week", args=[week.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "This week"
    chart = page.get_by_role("img", name="Arrests", exact=True)
    assert chart.is_visible() and "25" in chart.locator("desc").text_content()
    assert page.locator("svg rect").count() >= 8
    assert "1 of 44 forces have sent results." in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "intensification-week-national")


def test_an_upload_with_mistakes_lists_each_by_row(browser_page, live_server, wy_submitter, tmp_path):
    week = week_started()
    lines = ["field,value", "week,2020-01-06", "arrests,ten", "charges,=1+1", "knives,3"]
    path = tmp_path / "results.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    page = browser_page
    sign_in_browser(page, wy_submitter, live_server=live_server)
    page.goto(reverse("intensification:upload", args=[week.pk]))
    page.get_by_label("Your results file").set_input_files(str(path))
    page.get_by_role("button", name="Check and send results").click()
    assert page.locator(".govuk-error-summary").is_visible()
    rows = page.locator("#problems tbody tr")
    texts = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert ["results", "2", "value", "2020-01-06"] == texts[0][:4]
    assert any(t[:4] == ["results", "3", "value", "ten"] for t in texts)
    assert any(t[:4] == ["results", "5", "field", "knives"] for t in texts)
    check_accessibility(page)
    screenshot(page, "intensification-upload-errors")
    assert not WeekResult.objects.exists()
