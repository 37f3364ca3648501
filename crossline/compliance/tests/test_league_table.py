"""The national league table: one row per force, sortable on the server, exported safely."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from freezegun import freeze_time

from crossline.accounts.roles import Role
from crossline.audit.models import AuditEvent
from crossline.compliance.models import ReturnSchedule
from crossline.compliance.selectors import league_table
from crossline.compliance.tests.support import london, monthly_return, submit_at
from crossline.conftest import make_user, sign_in
from crossline.reference.models import PoliceForce
from crossline.returns.tests.storage_support import raw_store as raw_store

pytestmark = pytest.mark.django_db
WY, NY = "E23000010", "E23000009"
NOW = london(2026, 11, 26, 9)  # September and October are due (October by 13 November)


@pytest.fixture
def returns(db, wy_submitter, north_yorkshire_police, raw_store):
    """West Yorkshire on time twice; North Yorkshire on time, then late; everyone else missing both."""
    ReturnSchedule.objects.create(effective_from=london(2026, 9, 1).date(), due_working_days=10, created_at=NOW)
    ny_submitter = make_user(north_yorkshire_police, Role.SUBMITTER)
    submit_at(london(2026, 10, 5, 9), wy_submitter, monthly_return(2026, 9))
    submit_at(london(2026, 11, 5, 9), wy_submitter, monthly_return(2026, 10))
    submit_at(london(2026, 10, 6, 9), ny_submitter, monthly_return(2026, 9, force=NY))
    submit_at(london(2026, 11, 20, 9), ny_submitter, monthly_return(2026, 10, force=NY))


def test_every_force_has_a_row_best_on_time_first(returns, national_coordinator):
    league = league_table(user=national_coordinator, now=NOW)

    assert len(league.rows) == PoliceForce.objects.count() == 44  # 43 territorial forces and BTP
    top = [(row.force.pk, row.summary.on_time, row.summary.late, row.summary.missing) for row in league.rows[:3]]
    assert top[:2] == [(WY, 2, 0, 0), (NY, 1, 1, 0)]
    assert top[2][1:] == (0, 0, 2)
    assert league.rows[0].scores.completeness_rate is not None
    assert league.rows[2].scores.completeness_rate is None  # nothing received: nothing to measure


def test_sorting_by_missing_puts_the_forces_with_most_missing_first(returns, national_coordinator):
    by_missing = league_table(user=national_coordinator, sort="missing", now=NOW)
    assert [row.summary.missing for row in by_missing.rows[:42]] == [2] * 42
    assert {row.force.pk for row in by_missing.rows[42:]} == {WY, NY}
    names = [row.force.name for row in by_missing.rows[:42]]
    assert names == sorted(names)  # ties stay in alphabetical order

    ascending = league_table(user=national_coordinator, sort="late", direction="asc", now=NOW)
    assert ascending.rows[-1].force.pk == NY
    assert league_table(user=national_coordinator, sort="nonsense", now=NOW).sort == "on_time"


def test_the_page_sorts_by_query_parameter(client, returns, national_coordinator):
    with freeze_time(NOW):
        sign_in(client, national_coordinator)
        page = client.get(reverse("compliance:league"), {"sort": "late"})
    assert page.status_code == 200
    assert page.context["league"].rows[0].force.pk == NY
    assert 'aria-sort="descending"' in page.content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">1</strong>' in page.content.decode()


def test_exports_write_formula_like_text_as_text(client, returns, national_coordinator):
    PoliceForce.objects.filter(pk=NY).update(force_name='=HYPERLINK("http://example.invalid","NY")')
    with freeze_time(NOW):
        sign_in(client, national_coordinator)
        response = client.get(reverse("compliance:league_export", args=["csv"]))
        workbook = client.get(reverse("compliance:league_export", args=["xlsx"]))

    assert response["Content-Disposition"].startswith('attachment; filename="crossline-compliance-league-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Force", "Force code"]
    assert len(rows) == 45
    assert rows[2][0] == "'=HYPERLINK(\"http://example.invalid\",\"NY\")"
    assert rows[2][1:8] == [NY, "2", "1", "1", "0", "0", "50.0"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(row=3, column=1).value.startswith("'=HYPERLINK")
    assert sheet.cell(row=3, column=1).data_type == "s"
    assert sheet.cell(row=3, column=8).value == 50.0
    assert AuditEvent.objects.filter(action="export", object_type="compliance.LeagueTable").count() == 2
