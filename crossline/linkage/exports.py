"""Entities as rows `force_code,sheet,ref,entity_id`: the shape of the synthetic generator's
truth.csv, so that resolution can be scored with a join (`crossline evaluate`)."""

import csv
from collections.abc import Iterator
from pathlib import Path

from crossline.linkage.engine.records import SHEETS
from crossline.linkage.models import EntityMember

HEADER = ("force_code", "sheet", "ref", "entity_id")


def entity_rows() -> Iterator[tuple[str, str, str, str]]:
    """One row per force reference (every stored record of it is in the same entity)."""
    members = (EntityMember.objects.order_by("kind", "force_id", "ref").values_list("kind", "force_id", "ref",
                                                                                   "entity_id").distinct())
    for kind, force, ref, entity in members.iterator(chunk_size=20_000):
        yield force, SHEETS[kind], ref, f"{kind}-{entity}"


def entities_csv_write(path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for row in entity_rows():
            writer.writerow(row)
            count += 1
    return count


# --- a force's feedback report as a file ---------------------------------------------------------------
FEEDBACK_COLUMNS = ("Section", "Entity", "Kind", "Your references", "Also reported by")


def _feedback_rows(report):
    for section in report.sections:
        for row in section.rows:
            yield (section.title, str(row.entity), row.kind, ", ".join(row.own_refs), ", ".join(row.others))


def feedback_xlsx(report) -> bytes:
    """The report as a workbook: the figures, then one row per entity in each section. Every cell
    is formula-safe text (IN-04): a force reference such as "=1+1" stays what it says."""
    from crossline.returns.exports import xlsx_workbook

    figures = [(section.title, str(section.count)) for section in report.sections]
    about = [("Force", report.police_force.force_name),
             ("Run", str(report.feedback.run_id) if report.feedback else "No run yet"),
             ("Made", report.feedback.created_at.isoformat(timespec="seconds") if report.feedback else "")]
    return xlsx_workbook([("Figures", ("What", "How many"), about + figures),
                          ("Entities", FEEDBACK_COLUMNS, _feedback_rows(report))])


def feedback_pdf(html: str) -> bytes:
    """The report's printable template as a PDF (WeasyPrint). It is made from that template alone:
    no protocol is allowed, so nothing is fetched from the network or the disk."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
