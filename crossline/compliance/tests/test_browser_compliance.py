"""The national co-ordinator finds the late and missing returns in the league table, sorts it, and
opens a force's page; both meet WCAG 2.2 AA under the strict CSP."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import Role
from crossline.compliance.models import ReturnSchedule
from crossline.compliance.schedule import recent_periods
from crossline.compliance.tests.support import LONDON, monthly_return, submit_at
from crossline.conftest import make_user
from crossline.core.tests.browser import browser_page as browser_page  # the fixture
from crossline.core.tests.browser import check_accessibility, screenshot, sign_in_browser
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WY, NY = "E23000010", "E23000009"


def _at(day, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def two_months(wy_submitter, north_yorkshire_police, raw_store):
    """Of the last three months, West Yorkshire sent the first late, the second not at all and the
    third as soon as the month ended; North Yorkshire sent all three on time. (Relative to today:
    the pages read the real clock.)"""
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    ReturnSchedule.objects.create(effective_from=start, due_working_days=10, created_at=timezone.now())
    first, second, third = recent_periods(today)
    ny_submitter = make_user(north_yorkshire_police, Role.SUBMITTER)
    promptly = min(_at(third.end + timedelta(days=1), 0), timezone.now() - timedelta(minutes=1))
    submit_at(_at(first.due + timedelta(days=5)), wy_submitter, monthly_return(first.start.year, first.start.month))
    submit_at(promptly, wy_submitter, monthly_return(third.start.year, third.start.month))
    for period in (first, second, third):
        submit_at(promptly if period == third else _at(period.due - timedelta(days=2)), ny_submitter,
                  monthly_return(period.start.year, period.start.month, force=NY))
    return first, second


def test_the_league_table_and_a_forces_page_show_late_and_missing_returns(browser_page, live_server,
                                                                         national_coordinator, two_months):
    first, second = two_months
    page = browser_page
    sign_in_browser(page, national_coordinator, live_server=live_server)
    page.goto(reverse("compliance:league") + "?sort=late")

    assert page.get_by_role("heading", level=1).inner_text() == "Return compliance league table"
    top = page.locator("tbody tr").first.locator("td").all_inner_texts()
    assert top[:5] == ["West Yorkshire Police", "3", "33.3%", "1", "1"]  # force, due, on time, late, missing
    assert page.locator("tbody tr").first.locator(".govuk-tag--orange").inner_text() == "1"
    check_accessibility(page)
    screenshot(page, "compliance-league")

    page.get_by_role("link", name="West Yorkshire Police").click()
    assert page.get_by_role("heading", level=1).inner_text() == "West Yorkshire Police"
    rows = {row.locator("th").inner_text(): row.inner_text() for row in page.locator("tbody tr").all()
            if row.locator("th").count()}
    assert "Late" in rows[first.label]
    assert "Missing" in rows[second.label]
    check_accessibility(page)
    screenshot(page, "compliance-force")
