"""Exporting audit records as CSV: audited, scoped, and safe to open in a spreadsheet (IN-04)."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from crossline.audit.exports import FORMULA_TRIGGERS, safe_cell
from crossline.audit.models import AuditAction, AuditEvent
from crossline.audit.services import audit_record
from crossline.conftest import sign_in


@given(st.text())
def test_no_cell_starts_like_a_formula_and_nothing_is_lost(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert cell == text or cell == "'" + text


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_escaped_with_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def _rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_export_is_scoped_escaped_and_audited(client, wy_auditor, wy_analyst, ny_analyst):
    mine = audit_record(action=AuditAction.VIEW, object_type="returns.Person", actor=wy_analyst,
                        purpose_code="other", purpose_text="=cmd|' /C calc'!A0")
    theirs = audit_record(action=AuditAction.VIEW, object_type="returns.Person", actor=ny_analyst)
    sign_in(client, wy_auditor)

    response = client.get(reverse("audit:export"), {"action": "view"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="crossline-audit-')
    rows = _rows(response)
    assert [row["Record"] for row in rows] == [str(mine.pk)]
    assert rows[0]["Purpose description"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["Hash"] == mine.row_hash
    assert str(theirs.pk) not in {row["Record"] for row in rows}
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.actor_id == wy_auditor.pk
    assert exported.detail == {"filters": {"action": "view"}, "format": "csv", "results": 1}


@pytest.mark.django_db
def test_an_invalid_export_filter_goes_back_to_the_search_with_the_error(client, wy_auditor):
    sign_in(client, wy_auditor)

    response = client.get(reverse("audit:export"), {"date_from": "not a date"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("audit:search"))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
