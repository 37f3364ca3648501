"""The tasking meeting pack: one PDF (tagged, PDF/UA-1) and one xlsx, holding the top lines, what
changed, new crossover, nominations, overdue taskings and results since the last meeting."""

import io
import re
import zlib
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from crossline.assessment.services import assess_lines
from crossline.audit.models import AuditEvent
from crossline.conftest import sign_in
from crossline.tasking import services
from crossline.tasking.models import MeetingPack, TaskingMeeting, TaskingOwner
from crossline.tasking.pack import pack_build, pack_pdf, pack_xlsx
from crossline.tasking.tasks import meeting_pack_build
from crossline.tasking.tests.conftest import run_queued

pytestmark = pytest.mark.django_db
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


@pytest.fixture
def worked(lines, national_coordinator, wy_analyst, west_yorkshire_police, merseyside_police):
    """A completed tasking, an overdue one and a nomination whose rationale looks like a formula."""
    today = timezone.localdate()
    done = services.tasking_create(
        actor=national_coordinator, title="Close JAY", lines=[lines.jay], owners=[west_yorkshire_police],
        objective="close_line", priority="high", due_date=today + timedelta(days=7),
        instructions="Charge the line holder; safeguard the runners.")
    services.tasking_respond(actor=wy_analyst, tasking=done, accept=True)
    services.tasking_complete(actor=wy_analyst, tasking=done, outcomes=services.Outcomes(
        closure_type="type1", arrests=5, charges=4, safeguarding_referrals=3, nrm_referrals=2,
        summary="Line holder charged with conspiracy to supply; three children safeguarded."))
    late = services.tasking_create(
        actor=national_coordinator, title="Safeguard DEX's runners", lines=[lines.dex], owners=[merseyside_police],
        objective="safeguard", priority="medium", due_date=today, instructions="Visit the trap house with partners.")
    TaskingOwner.objects.filter(tasking=late).update()
    late.__class__.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=5))
    services.nomination_create(actor=wy_analyst, line=lines.lonely, kind="regional_support",
                               rationale="=HYPERLINK(\"http://example.com\") small line, one child, needs help")
    assess_lines()  # the scores the pack's first two sections read
    return done, late


def test_the_pack_holds_each_section(worked, national_coordinator):
    done, late = worked
    pack = pack_build(user=national_coordinator, region=None, held_on=timezone.localdate())
    assert [row["reference"] for row in pack.results] == [done.reference]
    assert pack.totals == {"arrests": 5, "charges": 4, "safeguarding": 3, "nrm": 2, "closed": 1}
    assert [(row["reference"], row["days"]) for row in pack.overdue] == [(late.reference, 5)]
    assert [row["kind"] for row in pack.nominations] == ["Ask for regional support"]
    assert {row["label"] for row in pack.crossover} >= {"JAY"}
    assert {row["label"] for row in pack.top_lines} == {"JAY", "BOX", "DEX"}
    assert all(row["reasons"] for row in pack.top_lines)
    assert {row["change"] for row in pack.changes} == {"New line"}


def test_the_pdf_is_tagged_and_reads_in_order(worked, national_coordinator):
    import pypdfium2

    pack = pack_build(user=national_coordinator, region=None, held_on=timezone.localdate())
    pdf = pack_pdf(pack)
    assert pdf.startswith(b"%PDF-")
    inside = _inflated(pdf)
    for mark in (b"pdfuaid:part", b"/StructTreeRoot", b"/MarkInfo", b"/Lang", b"/H1", b"/H2", b"/Table", b"/TH",
                 b"DisplayDocTitle"):
        assert mark in inside, mark  # PDF/UA: tagged, headings, table headers, language, title shown
    document = pypdfium2.PdfDocument(pdf)
    assert pypdfium2.raw.FPDFCatalog_IsTagged(document.raw)
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    order = ["National tasking meeting", "1. Top lines", "2. What changed", "3. New crossover",
             "4. Nominations from forces", "5. Overdue taskings", "6. Results since"]
    positions = [text.find(heading) for heading in order]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), list(zip(order, positions, strict=True))
    assert "OFFICIAL-SENSITIVE" in text and done_reference(worked) in text
    # For a person to look at (screenshots/ is git-ignored).
    SCREENSHOTS.mkdir(exist_ok=True)
    for index in range(min(len(document), 3)):
        document[index].render(scale=1.4).to_pil().save(SCREENSHOTS / f"tasking-pack-page-{index + 1}.png")


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened, to look for structure and metadata."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"".join(parts)


def done_reference(worked) -> str:
    return worked[0].reference


def test_the_spreadsheet_has_a_sheet_per_section_and_no_live_formula(worked, national_coordinator):
    pack = pack_build(user=national_coordinator, region=None, held_on=timezone.localdate())
    workbook = openpyxl.load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert workbook.sheetnames == ["About", "Top lines", "What changed", "New crossover", "Nominations",
                                   "Overdue taskings", "Results"]
    rationale = workbook["Nominations"].cell(row=2, column=7)
    assert rationale.data_type == "s" and rationale.value.startswith("'=HYPERLINK")
    results = workbook["Results"]
    assert [cell.value for cell in results[2]][5:9] == [5, 4, 3, 2]


def test_a_regional_pack_starts_from_the_last_regional_meeting(worked, yh_coordinator, client):
    today = timezone.localdate()
    region = yh_coordinator.organisation.region
    sign_in(client, yh_coordinator)
    for day in (today - timedelta(days=14), today):
        response = client.post(reverse("tasking:meetings"), {"region": region.pk, "held_on_day": day.day,
                                                             "held_on_month": day.month, "held_on_year": day.year})
        assert response.status_code == 302
    meeting = TaskingMeeting.objects.get(held_on=today)
    pack = pack_build(user=yh_coordinator, region=region, held_on=today)
    assert pack.since == today - timedelta(days=14)
    assert [row["owner"] for row in pack.overdue] == []  # Merseyside is not in this region
    assert run_queued(meeting_pack_build) == 2  # each meeting made asks for its PDF pack
    pack = MeetingPack.objects.get(meeting=meeting)
    response = client.get(reverse("tasking:pack_download", args=[pack.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    response = client.get(reverse("tasking:pack_xlsx", args=[meeting.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="export", object_type="tasking.TaskingMeeting").count() == 2
    assert client.post(reverse("tasking:meetings"), {"region": "national", "held_on_day": today.day,
                                                     "held_on_month": today.month,
                                                     "held_on_year": today.year}).status_code == 200
    assert not TaskingMeeting.objects.filter(region__isnull=True).exists()
