"""The template and a week's figures download as CSV and Excel, safe to open (IN-04)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crossline.audit.models import AuditEvent
from crossline.conftest import sign_in
from crossline.intensification.figures import FIGURES
from crossline.intensification.services import results_submit, results_upload
from crossline.intensification.tests.support import WEST_YORKSHIRE, raw, week_started
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _week_named_like_a_formula():
    week = week_started()
    week.name = '=HYPERLINK("http://example.invalid","Click")'
    week.save(update_fields=["name"])
    return week


def test_the_template_escapes_formulas_and_comes_back_as_results(client, wy_submitter):
    week = _week_named_like_a_formula()
    sign_in(client, wy_submitter)
    response = client.get(reverse("intensification:template", args=[week.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content))["results"]
    rows = list(sheet.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == ["field", "value", "what it is"]
    assert [r[0].value for r in rows[1:]] == ["week", "force", *[f.key for f in FIGURES]]
    described = rows[1][2]
    assert described.data_type == "s" and described.value.startswith("'=HYPERLINK")
    assert rows[2][1].value == WEST_YORKSHIRE
    for row in rows[3:]:  # fill it in as a person would and send it back
        row[1].value = 0 if any(f.key == row[0].value and f.required for f in FIGURES) else None
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    outcome = results_upload(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), content=buffer.getvalue(),
                             filename="back.xlsx", actor=wy_submitter)
    assert outcome.ok, outcome.errors


def test_the_csv_template_escapes_formulas(client, wy_submitter):
    week = _week_named_like_a_formula()
    sign_in(client, wy_submitter)
    text = client.get(reverse("intensification:template", args=[week.pk, "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text


def test_a_weeks_figures_export_with_totals_and_is_audited(client, wy_submitter, national_coordinator):
    week = week_started()
    results_submit(week=week, force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), raw=raw(arrests=17), through="form",
                   actor=wy_submitter)
    sign_in(client, national_coordinator)
    response = client.get(reverse("intensification:export", args=[week.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content))["results"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    west = next(r for r in rows if r[0] == "West Yorkshire Police")
    national = next(r for r in rows if r[1] == "National total")
    arrests = rows[0].index("Arrests")
    assert west[arrests] == "17" and national[arrests] == "17" and national[2] == "1 of 44 forces"
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)
    assert AuditEvent.objects.filter(action="export", object_type="intensification.IntensificationWeek").count() == 1
