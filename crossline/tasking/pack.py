"""The tasking meeting pack: for a region or the nation and a meeting date, what the meeting needs
in front of it, as one PDF (WeasyPrint, tagged PDF/UA-1 so that screen readers follow its
headings and table headers) and one xlsx (a sheet per section, every text cell written as text).

"Since" is the previous meeting of the same scope, or four weeks before when there was none.
Everything is read as the user asking: a regional co-ordinator's pack holds what they may see.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl.styles import Font

from crossline.audit.exports import safe_cell
from crossline.linkage.selectors import entities_visible_to
from crossline.reference.models import PoliceForce, Region
from crossline.tasking import scores
from crossline.tasking.models import Nomination, NominationStatus, OwnerStatus, TaskingMeeting, TaskingOwner
from crossline.tasking.notices import long_date
from crossline.tasking.selectors import (
    live_owner_rows,
    nominations_visible_to,
    taskings_visible_to,
)

DEFAULT_SINCE = timedelta(weeks=4)
PDF_STYLE = Path(__file__).parent / "pdf" / "pack.css"
TOP = 20


@dataclass
class Pack:
    region: Region | None
    held_on: date
    since: date
    since_meeting: TaskingMeeting | None
    generated_at: datetime
    generated_by: str
    scoring: bool = False
    top_lines: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    crossover: list = field(default_factory=list)
    nominations: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    results: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return self.region.name if self.region else "National"

    @property
    def title(self) -> str:
        return f"{self.scope} tasking meeting, {self.held_on.day} {self.held_on:%B %Y}"

    @property
    def filename(self) -> str:
        return f"tasking-pack-{(self.region.pk if self.region else 'national').lower()}-{self.held_on:%Y-%m-%d}"


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def previous_meeting(*, region: Region | None, held_on: date) -> TaskingMeeting | None:
    return TaskingMeeting.objects.filter(region=region, held_on__lt=held_on).order_by("-held_on").first()


def pack_build(*, user, region: Region | None, held_on: date, now: datetime | None = None) -> Pack:
    now = now or timezone.now()
    before = previous_meeting(region=region, held_on=held_on)
    since = before.held_on if before else held_on - DEFAULT_SINCE
    pack = Pack(region=region, held_on=held_on, since=since, since_meeting=before, generated_at=now,
                generated_by=f"{user.full_name}, {user.organisation.name}", scoring=scores.available())
    region_code = region.pk if region else None
    region_forces = set(PoliceForce.objects.filter(region=region).values_list("pk", flat=True)) if region else None
    start, end = _start(since), _start(held_on + timedelta(days=1))

    # Top lines, and what changed since the last meeting.
    visible_taskings = taskings_visible_to(user=user)
    live_by_line: dict[int, list[str]] = {}
    for tasking in visible_taskings.filter(status="live"):
        for line in tasking.lines.all():
            live_by_line.setdefault(line.pk, []).append(tasking.reference)
    if pack.scoring:
        top = scores.priority_lines(user=user, region_code=region_code, limit=TOP) or []
        changes = scores.score_changes_since(user=user, since=start, region_code=region_code, limit=TOP) or []
        labels = scores.line_labels(user=user, entity_ids={row.entity_id for row in top}
                                    | {change.now.entity_id for change in changes})
        pack.top_lines = [{"entity": row.entity_id, "label": labels[row.entity_id], "score": row.score,
                           "band": row.get_band_display(), "reasons": _reasons(row),
                           "taskings": live_by_line.get(row.entity_id, [])} for row in top]
        pack.changes = [{"entity": change.now.entity_id, "label": labels[change.now.entity_id],
                         "was": "New" if change.is_new else f"{change.before.get_band_display()} "
                                                            f"{change.before.score:.1f}",
                         "now": f"{change.now.get_band_display()} {change.now.score:.1f}",
                         "change": "New line" if change.is_new else (
                             "Band rose" if change.band_changed and change.now.band_rose else
                             "Band changed" if change.band_changed else f"{change.score_change:+.1f}")}
                        for change in changes]

    # New crossover: lines more than one force reports, new or changed since the last meeting.
    crossing = []
    for entity in entities_visible_to(user=user, kind="line").filter(
            member_count__gt=1, updated_at__gte=start, updated_at__lt=end).order_by("-updated_at", "id")[:500]:
        forces = set(entity.force_codes or [])
        if len(forces) < 2 or (region_forces is not None and not forces & region_forces):
            continue
        crossing.append(entity)
        if len(crossing) >= 30:
            break
    names = dict(PoliceForce.objects.values_list("pk", "name"))
    labels = scores.line_labels(user=user, entity_ids=[entity.pk for entity in crossing])
    pack.crossover = [{"entity": entity.pk, "label": labels[entity.pk],
                       "forces": ", ".join(sorted(names.get(code, code) for code in entity.force_codes)),
                       "new": entity.created_at >= start, "taskings": live_by_line.get(entity.pk, [])}
                      for entity in crossing]

    # Nominations waiting, and those decided since the last meeting.
    nominations = nominations_visible_to(user=user).filter(
        nominated_at__lt=end).exclude(status=NominationStatus.WITHDRAWN)
    if region is not None:
        nominations = nominations.filter(organisation__police_force__region=region)
    nominations = [n for n in nominations.order_by("status", "-nominated_at")
                   if n.status == NominationStatus.PENDING or (n.decided_at and n.decided_at >= start)]
    nomination_scores = scores.scores_for(user=user, entity_ids={n.line_id for n in nominations})
    nomination_labels = scores.line_labels(user=user, entity_ids={n.line_id for n in nominations})
    pack.nominations = [_nomination_row(n, nomination_scores.get(n.line_id), nomination_labels[n.line_id])
                        for n in nominations]

    # Overdue taskings and results since the last meeting.
    visible_ids = visible_taskings.values("pk")
    overdue = live_owner_rows().filter(tasking__in=visible_ids, tasking__due_date__lt=held_on).select_related(
        "tasking__tasking_organisation").order_by("tasking__due_date")
    results = TaskingOwner.objects.filter(tasking__in=visible_ids, status=OwnerStatus.COMPLETED,
                                          completed_at__gte=start, completed_at__lt=end).select_related(
        "tasking", "organisation").order_by("completed_at")
    if region is not None:
        overdue = overdue.filter(_in_region(region))
        results = results.filter(_in_region(region))
    pack.overdue = [{"reference": row.tasking.reference, "title": row.tasking.title, "owner": row.organisation.name,
                     "due": row.tasking.due_date, "days": (held_on - row.tasking.due_date).days,
                     "status": row.get_status_display(), "set_by": row.tasking.tasking_organisation.name}
                    for row in overdue]
    pack.results = [{"reference": row.tasking.reference, "title": row.tasking.title, "owner": row.organisation.name,
                     "completed": timezone.localdate(row.completed_at), "closure": row.get_closure_type_display(),
                     "arrests": row.arrests, "charges": row.charges, "safeguarding": row.safeguarding_referrals,
                     "nrm": row.nrm_referrals, "summary": row.outcome_summary} for row in results]
    pack.totals = {key: sum(row[key] for row in pack.results) for key in ("arrests", "charges", "safeguarding", "nrm")}
    pack.totals["closed"] = sum(1 for row in pack.results if row["closure"] != "Not closed")
    return pack


def _in_region(region: Region):
    from django.db.models import Q

    return Q(tasking__region=region) | Q(organisation__police_force__region=region) | Q(organisation__region=region)


def _reasons(row) -> str:
    """The two or three contributions that weigh most, in the assessment's own words."""
    parts = sorted(row.contributions or [], key=lambda part: -abs(float(part.get("points") or 0)))
    return "; ".join(str(part.get("words", "")) for part in parts[:3] if part.get("words"))


def _nomination_row(nomination: Nomination, score, label: str) -> dict:
    return {"id": nomination.pk, "entity": nomination.line_id, "label": label,
            "force": nomination.organisation.name, "kind": nomination.get_kind_display(),
            "rationale": nomination.rationale, "status": nomination.get_status_display(),
            "score": f"{score.get_band_display()} {score.score:.1f}" if score is not None else "Not scored",
            "decision": nomination.decision_reason,
            "decided_by": nomination.decided_by_organisation.name if nomination.decided_by_organisation else ""}


# --- the PDF -------------------------------------------------------------------------------------
def pack_pdf(pack: Pack) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("tasking/pack_pdf.html", {"pack": pack})
    # No base URL: the pack fetches nothing, so nothing outside it can end up inside it.
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_STYLE))], pdf_variant="pdf/ua-1",
                                       custom_metadata=True)


# --- the spreadsheet -----------------------------------------------------------------------------
SHEETS = [
    ("Top lines", "top_lines", [("Line", "entity"), ("Name", "label"), ("Band", "band"), ("Score", "score"),
                                ("Why", "reasons"), ("Live taskings", "taskings")]),
    ("What changed", "changes", [("Line", "entity"), ("Name", "label"), ("Before", "was"), ("Now", "now"),
                                 ("Change", "change")]),
    ("New crossover", "crossover", [("Line", "entity"), ("Name", "label"), ("Forces reporting it", "forces"),
                                    ("New line", "new"), ("Live taskings", "taskings")]),
    ("Nominations", "nominations", [("Nomination", "id"), ("Line", "entity"), ("Name", "label"),
                                    ("Force", "force"), ("Asks for", "kind"), ("Score", "score"),
                                    ("Rationale", "rationale"), ("Status", "status"), ("Decided by", "decided_by"),
                                    ("Reason", "decision")]),
    ("Overdue taskings", "overdue", [("Tasking", "reference"), ("Title", "title"), ("Owner", "owner"),
                                     ("Due", "due"), ("Days overdue", "days"), ("Status", "status"),
                                     ("Set by", "set_by")]),
    ("Results", "results", [("Tasking", "reference"), ("Title", "title"), ("Owner", "owner"),
                            ("Completed", "completed"), ("Closure", "closure"), ("Arrests", "arrests"),
                            ("Charges", "charges"), ("Safeguarding referrals", "safeguarding"),
                            ("NRM referrals", "nrm"), ("What was achieved", "summary")]),
]


def _cell_value(value):
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def pack_xlsx(pack: Pack) -> bytes:
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = "About"
    for label, value in (("Pack", pack.title), ("Covers", f"{long_date(pack.since)} to {long_date(pack.held_on)}"),
                         ("Generated", f"{timezone.localtime(pack.generated_at):%d %B %Y %H:%M} by "
                                       f"{pack.generated_by}"),
                         ("Handling", "OFFICIAL-SENSITIVE. Do not share beyond the tasking meeting.")):
        about.append([label, safe_cell(value)])
        about.cell(row=about.max_row, column=2).data_type = "s"
    for title, name, columns in SHEETS:
        sheet = workbook.create_sheet(title)
        sheet.append([label for label, _key in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in getattr(pack, name):
            sheet.append([None] * len(columns))
            for column, (_label, key) in enumerate(columns, start=1):
                value = _cell_value(row[key])
                cell = sheet.cell(row=sheet.max_row, column=column)
                if isinstance(value, str):
                    cell.value = safe_cell(value)
                    cell.data_type = "s"  # text, never a live formula, whatever it starts with
                else:
                    cell.value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
