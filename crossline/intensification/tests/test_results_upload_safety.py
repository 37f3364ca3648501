"""A results file is hostile until read: formulas are refused, not read as empty (IN-04); a
workbook with a DTD is refused, so no entity is ever expanded (IN-02); a zip bomb is refused
before it is decompressed (IN-01); an oversized file never reaches a parser; and a body too
large for the API is refused before it is parsed (API-02)."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from crossline.accounts.models import MachineClient
from crossline.conftest import sign_in
from crossline.intensification.models import WeekResult
from crossline.intensification.services import results_upload
from crossline.intensification.tests.support import WEST_YORKSHIRE, figures, week_started
from crossline.intensification.upload import MAX_XLSX_BYTES
from crossline.reference.models import PoliceForce

pytestmark = pytest.mark.django_db


def _workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "results"
    sheet.append(["field", "value"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filled(**changes) -> list[tuple]:
    return [(key, value) for key, value in figures(**changes).items()]


def _upload(user, content, filename="results.xlsx"):
    return results_upload(week=week_started(), force=PoliceForce.objects.get(pk=WEST_YORKSHIRE), content=content,
                          filename=filename, actor=user)


def test_a_formula_is_refused_and_named_not_read_as_empty(wy_submitter):
    outcome = _upload(wy_submitter, _workbook(_filled(arrests="=2+3")))
    assert not outcome.ok and not WeekResult.objects.exists()
    (problem,) = [p for p in outcome.errors if p.field == "arrests"]
    assert problem.code == "formula" and problem.row is not None


@pytest.mark.parametrize("text", ["=2+3", "+5", "@SUM(1)", "=HYPERLINK(\"http://example.invalid\",\"x\")"])
def test_formula_like_text_in_a_csv_is_not_a_number(wy_submitter, text):
    lines = ["field,value", *[f"{key},{value}" for key, value in figures().items() if key != "arrests"],
             f'arrests,"{text.replace(chr(34), chr(34) * 2)}"']
    outcome = _upload(wy_submitter, "\r\n".join(lines).encode(), "results.csv")
    assert not outcome.ok and "arrests" in {p.field for p in outcome.errors}
    assert not WeekResult.objects.exists()


def test_a_workbook_with_a_dtd_is_refused_and_no_entity_is_expanded(wy_submitter):
    source = zipfile.ZipFile(io.BytesIO(_workbook(_filled())))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE worksheet [<!ENTITY leak SYSTEM "file:///etc/passwd">]>', 1)
                data = data.replace(b"<v>10</v>", b"<v>&leak;</v>", 1)
            out.writestr(item, data)
    outcome = _upload(wy_submitter, target.getvalue())
    assert not outcome.ok and not WeekResult.objects.exists()
    assert not any("root:" in f"{p.message} {p.value}" for p in outcome.errors)


def test_a_zip_bomb_is_refused_before_it_is_decompressed(wy_submitter):
    source = zipfile.ZipFile(io.BytesIO(_workbook(_filled())))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))  # 8 MB that squeezes to 8 KB
    assert len(target.getvalue()) < MAX_XLSX_BYTES
    outcome = _upload(wy_submitter, target.getvalue())
    assert not outcome.ok and outcome.errors[0].field == "file" and not WeekResult.objects.exists()


def test_an_oversized_upload_is_refused_on_the_page_and_never_parsed(client, wy_submitter, monkeypatch):
    from crossline.intensification import services

    monkeypatch.setattr(services, "results_read", lambda *args: pytest.fail("an oversized file reached the reader"))
    week = week_started()
    sign_in(client, wy_submitter)
    big = SimpleUploadedFile("results.xlsx", b"PK\x03\x04" + b"\0" * MAX_XLSX_BYTES)
    response = client.post(reverse("intensification:upload", args=[week.pk]),
                           {"file": big, "idempotency_key": "7f1c3a52-9a36-4a4b-8f68-2d7f5b2c9b11"})
    assert response.status_code == 200 and "must be smaller than" in response.content.decode()
    assert not WeekResult.objects.exists()


TOKEN = "cl_test-intensification-size"


def test_an_api_body_too_large_is_refused_before_it_is_parsed(west_yorkshire_police):
    cache.clear()
    MachineClient.objects.create(organisation=west_yorkshire_police, name="Force RMS",
                                 scopes=["intensification:submit"],
                                 token_prefix=TOKEN[:10], token_hash=MachineClient.hash_token(TOKEN),
                                 expires_at=timezone.now() + timedelta(days=30))
    body = json.dumps(figures() | {"padding": "x" * (100 * 1024)})
    response = Client().post(reverse("intensification_api:results", args=[week_started().pk]), body,
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
                             HTTP_IDEMPOTENCY_KEY="size-1")
    assert response.status_code == 413 and response["Content-Type"].startswith("application/problem+json")
    assert "padding" not in response.content.decode() and not WeekResult.objects.exists()
    cache.clear()
