"""The priority list as a spreadsheet (CSV or Excel), formula-safe like every export (IN-04)."""

from collections.abc import Iterable, Iterator

from crossline.assessment.models import LineAssessment
from crossline.reference.models import PoliceForce
from crossline.returns.exports import csv_lines, xlsx_workbook

COLUMNS = ("Rank", "Line", "Line id", "Priority", "Score", "Previous score", "Children exploited",
           "Vulnerable adults", "Forces reporting", "Reported by", "Status", "Days since last report",
           "Network of lines", "Scoring model", "Assessed at", "Why")


def priority_rows(rows: Iterable[LineAssessment], labels: dict[int, str]) -> Iterator[tuple]:
    names = dict(PoliceForce.objects.values_list("code", "name"))
    for rank, row in enumerate(rows, start=1):
        facts = row.facts
        why = "; ".join(item["words"] for item in row.contributions if "points" in item and item["points"])
        yield (rank, labels.get(row.entity_id, ""), row.entity_id, row.get_band_display(), f"{row.score:.1f}",
               "" if row.previous_score is None else f"{row.previous_score:.1f}", facts.get("children", 0),
               facts.get("vulnerable_adults", 0), facts.get("forces_reporting", 0),
               ", ".join(names.get(code, code) for code in row.reported_by),
               facts.get("status", ""), "" if facts.get("days_since_report") is None else facts["days_since_report"],
               len(row.network.line_entity_ids) if row.network_id else "",
               f"v{row.assessment.scoring_model.version}", row.assessed_at.strftime("%Y-%m-%d %H:%M"), why)


def priority_csv(rows, labels) -> Iterator[str]:
    return csv_lines(COLUMNS, priority_rows(rows, labels))


def priority_xlsx(rows, labels) -> bytes:
    return xlsx_workbook([("Priority lines", COLUMNS, priority_rows(rows, labels))])
