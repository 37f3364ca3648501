"""Each force's feedback report as a page, a spreadsheet and a PDF: its own references and which
other forces hold the same entity, never their records; formula-like text stays text."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crossline.audit.models import AuditEvent
from crossline.conftest import NORTH_YORKSHIRE, WEST_YORKSHIRE
from crossline.linkage.tests.support import line, person, resolve, signed_in_with_purpose, submit_return

pytestmark = pytest.mark.django_db
FORMULA_REF = '=HYPERLINK("http://example.invalid","open")'


@pytest.fixture
def shared_line():
    submit_return(WEST_YORKSHIRE, "2026-10-31", lines=[line(FORMULA_REF, "JAY", ["07700 900123"])])
    submit_return(NORTH_YORKSHIRE, "2026-10-31", lines=[line("NY-SECRET-L-1", "Jay line", ["+447700900123"])],
                  people=[person("NY-P-1", "Ward", "Jack", "1990-09-21", line_refs=["NY-SECRET-L-1"])])
    resolve()


def test_the_page_lists_the_force_s_own_references_and_who_else_holds_them(client, wy_analyst, shared_line):
    signed_in_with_purpose(client, wy_analyst)
    page = client.get(reverse("linkage:feedback"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "JAY" not in text  # records are opened on the entity page, through need to know
    assert "HYPERLINK" in text and "North Yorkshire Police" in text and "NY-SECRET-L-1" not in text
    assert AuditEvent.objects.filter(action="view", object_type="linkage.ForceFeedback").count() == 1


def test_the_spreadsheet_keeps_formula_like_references_as_text(client, wy_analyst, shared_line):
    signed_in_with_purpose(client, wy_analyst)
    response = client.get(reverse("linkage:feedback_download", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="crossline-feedback-{WEST_YORKSHIRE}-')
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in workbook["Entities"].iter_rows(min_row=2) for cell in row]
    (ref,) = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
    assert (ref.value, ref.data_type) == ("'" + FORMULA_REF, "s")
    assert not any("NY-SECRET" in str(cell.value) for cell in cells)
    figures = {row[0].value: row[1].value for row in workbook["Figures"].iter_rows(min_row=2)}
    assert figures["Your records that other forces hold too"] == "1"
    event = AuditEvent.objects.get(action="export", object_type="linkage.ForceFeedback")
    assert (event.detail["format"], event.detail["force"], event.detail["entities"]) == ("xlsx", WEST_YORKSHIRE, 1)


def test_the_pdf_is_made_from_the_report(client, wy_analyst, shared_line):
    signed_in_with_purpose(client, wy_analyst)
    response = client.get(reverse("linkage:feedback_download", args=["pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 2_000
    assert AuditEvent.objects.filter(action="export", detail__format="pdf").count() == 1


def test_a_force_gets_only_its_own_report_and_other_forms_are_not_found(client, ny_analyst, shared_line):
    signed_in_with_purpose(client, ny_analyst)
    # Asking for West Yorkshire's report gives North Yorkshire's own: no national rights.
    page = client.get(reverse("linkage:feedback"), {"force": WEST_YORKSHIRE})
    assert page.context["police_force"].pk == NORTH_YORKSHIRE
    assert "HYPERLINK" not in page.content.decode()
    assert client.get(reverse("linkage:feedback_download", args=["docx"])).status_code == 404


def test_the_report_asks_for_a_purpose_first_and_shows_nothing_until_then(client, wy_analyst, shared_line):
    from crossline.conftest import sign_in

    sign_in(client, wy_analyst)
    for url in (reverse("linkage:feedback"), reverse("linkage:feedback_download", args=["xlsx"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("audit:state_purpose"))
    assert not AuditEvent.objects.filter(object_type="linkage.ForceFeedback").exists()


def test_the_download_is_a_bulk_export_so_it_needs_a_recent_second_factor(client, wy_analyst, shared_line):
    from datetime import timedelta

    from django.utils import timezone

    signed_in_with_purpose(client, wy_analyst)
    session = client.session
    session["verified_at"] = (timezone.now() - timedelta(minutes=30)).isoformat()
    session.save()
    response = client.get(reverse("linkage:feedback_download", args=["xlsx"]))
    assert response.status_code == 302 and "step_up=1" in response["Location"]
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_pdf_fetches_nothing_from_the_network_or_the_disk(tmp_path):
    """Whatever the template (or a reference in it) points at, WeasyPrint is given no protocol."""
    import http.server
    import threading

    from crossline.linkage.exports import feedback_pdf

    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = feedback_pdf(f'<link rel="stylesheet" href="{base}/style.css"><link rel="stylesheet" '
                           f'href="file://{secret}"><img src="{base}/image.png"><p>Report</p>')
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-") and asked == []
