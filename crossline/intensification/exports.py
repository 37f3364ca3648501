"""Spreadsheets the intensification pages hand out: the results template, and a week's figures.

Written through the returns' export helpers, so that any text a spreadsheet would take for a
formula is prefixed with an apostrophe and every xlsx cell is a string (IN-04).
"""

from collections.abc import Iterator

from crossline.intensification.figures import FIGURES, shown
from crossline.returns.exports import csv_lines, xlsx_workbook

TEMPLATE_HEADER = ("field", "value", "what it is")


def template_rows(*, week, force) -> list[tuple]:
    rows = [("week", week.starts_on.isoformat(), f"{week.name}: the day it started. Leave as it is."),
            ("force", force.pk if force else "", f"{force.force_name if force else 'The force'}'s code. "
                                                 "Leave as it is.")]
    for figure in FIGURES:
        what = figure.label + (f" ({figure.unit})" if figure.unit else "")
        if figure.hint:
            what += f". {figure.hint}"
        if not figure.required:
            what += ". Leave blank if none."
        rows.append((figure.key, "", what))
    return rows


def template_xlsx(*, week, force) -> bytes:
    return xlsx_workbook([("results", TEMPLATE_HEADER, template_rows(week=week, force=force))])


def template_csv(*, week, force) -> Iterator[str]:
    return csv_lines(TEMPLATE_HEADER, template_rows(week=week, force=force))


def picture_header() -> tuple[str, ...]:
    return ("Area", "Kind", "Status", "Version", *[f.label + (f" ({f.unit})" if f.unit else "") for f in FIGURES])


def picture_rows(picture) -> Iterator[tuple]:
    """The week as a table: each force the user may see, then regional and national totals."""
    for row in picture.forces:
        figures = [_plain(f, row.result_values.get(f.key)) if row.result else "" for f in FIGURES]
        yield (row.force.force_name, "Force", row.status_label, row.result.version if row.result else "", *figures)
    for total in picture.regions:
        yield (total.name, "Region total", f"{total.reported} of {total.forces} forces", "",
               *[_plain(f, total.values[f.key]) for f in FIGURES])
    if picture.national is not None:
        total = picture.national
        yield (total.name, "National total", f"{total.reported} of {total.forces} forces", "",
               *[_plain(f, total.values[f.key]) for f in FIGURES])


def _plain(figure, value) -> str:
    """Numbers as plain text a spreadsheet can sum after conversion: no £ or thousands commas."""
    if value is None:
        return ""
    return str(value)


def picture_xlsx(picture) -> bytes:
    return xlsx_workbook([("results", picture_header(), picture_rows(picture))])


def picture_csv(picture) -> Iterator[str]:
    return csv_lines(picture_header(), picture_rows(picture))


__all__ = ["picture_csv", "picture_xlsx", "shown", "template_csv", "template_xlsx"]
