"""Web pages for national returns: submitting one, its outcome, and browsing what was submitted.

Every read goes through the scoped selectors, so another organisation's return, attempt or
record is a 404; every write goes through `return_submit`, the service the API calls too. A
page that shows personal data writes its audit record in the same transaction as the read.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import SUBMIT_RETURN, VIEW_PERSONAL_DATA, VIEW_RETURNS
from crossline.audit.decorators import personal_data_view, purpose_for
from crossline.audit.models import AuditAction, PurposeCode
from crossline.audit.services import audit_record
from crossline.core.permissions import requires
from crossline.reference import lookups
from crossline.reference.models import PoliceForce
from crossline.returns import format as fmt
from crossline.returns.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, error_report_csv, error_report_xlsx
from crossline.returns.forms import ReturnUploadForm, SubmissionFilterForm, period_label
from crossline.returns.models import RECORD_MODELS, IssueSeverity
from crossline.returns.safety import MAX_UPLOAD_BYTES
from crossline.returns.selectors import (
    current_returns_visible_to,
    events_visible_to,
    forces_submittable_by,
    forces_visible_to,
    issues_visible_to,
    lines_visible_to,
    locations_visible_to,
    people_visible_to,
    record_links_visible_to,
    return_history,
    returns_visible_to,
    submissions_visible_to,
    vehicles_visible_to,
)
from crossline.returns.services import IdempotencyConflict, SubmissionInFlight, return_submit
from crossline.returns.template import build_template, example_return

RESULTS_PER_PAGE = 25
RECORDS_PER_PAGE = 50
ISSUES_SHOWN = 500
# A submitter reading their own attempt's error report is checking data quality, whether or
# not they stated a purpose earlier in the session.
DATA_QUALITY = (PurposeCode.DATA_QUALITY, "Checking the outcome of a return submission")

RECORD_SELECTORS = {"lines": lines_visible_to, "people": people_visible_to, "locations": locations_visible_to,
                    "vehicles": vehicles_visible_to, "events": events_visible_to}
SHEET_TITLES = {"lines": "Lines", "people": "People", "locations": "Locations", "vehicles": "Vehicles",
                "events": "Events"}
RECORD_URLS = {"lines": "returns:line", "people": "returns:person", "locations": "returns:location",
               "vehicles": "returns:vehicle", "events": "returns:event"}
COUNT_FIELDS = {"lines": "line_count", "people": "person_count", "locations": "location_count",
                "vehicles": "vehicle_count", "events": "event_count"}
CONFIDENCE_WORDS = {"exact": "placed by the exact postcode", "district": "placed by the postcode district",
                    "ambiguous": "the postcode district spans forces", "unknown": "postcode district not known"}
# Columns whose normalised value is kept under another name.
STORED_AS = {"exporting_area": "exporting_area_code", "importing_areas": "importing_area_codes",
             "looked_after_by": "looked_after_by_code"}


def _audit(request, *, action: str, object_type: str, object_refs, detail: dict, default_purpose=None) -> None:
    code, text = purpose_for(request)
    if code is None and default_purpose is not None:
        code, text = default_purpose
    audit_record(action=action, object_type=object_type, object_refs=object_refs, request=request,
                 purpose_code=code, purpose_text=text, detail=detail)


def _sub_navigation(request, current: str) -> list[dict]:
    return [{"label": label, "url": reverse(name), "current": name == current}
            for label, name in (("Returns", "returns:list"), ("Submissions", "returns:submissions"))]


def _visible_forces(user) -> list[PoliceForce]:
    visible = forces_visible_to(user=user)
    return list(PoliceForce.objects.all() if visible is None else visible)


# --- submitting ---------------------------------------------------------------------------------
@requires(SUBMIT_RETURN)
def submit(request):
    form = ReturnUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = return_submit(
                content=upload.read(), filename=upload.name, form=None, actor=request.user,
                organisation=request.user.organisation, idempotency_key=str(form.cleaned_data["idempotency_key"]),
                request=request)
        except IdempotencyConflict:
            form.fresh_key()
            form.add_error("file", "You already sent a different file from this page. Select your return again")
        except SubmissionInFlight as in_flight:
            if in_flight.submission is not None:
                return redirect("returns:submission", in_flight.submission.pk)
            form.add_error("file", "This return is still being checked. Wait a minute, then find it in your "
                                   "submissions")
        else:
            return redirect("returns:submission", submission.pk)
    recent = submissions_visible_to(user=request.user).filter(organisation=request.user.organisation)[:5]
    return render(request, "returns/submit.html", {
        "form": form, "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024), "recent": recent,
        "forces": forces_submittable_by(organisation=request.user.organisation),
    })


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires(SUBMIT_RETURN)
def template(request):
    return _xlsx(build_template(), f"crossline-return-template-v{fmt.FORMAT_VERSION}.xlsx")


@requires(SUBMIT_RETURN)
def template_example(request):
    """The template filled in for last month and the user's own force, so that it passes as sent."""
    period_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    force = forces_submittable_by(organisation=request.user.organisation).first()
    example = example_return(force_code=force.pk if force else "E23000010", period_end=period_end)
    return _xlsx(build_template(example), f"crossline-return-example-v{fmt.FORMAT_VERSION}.xlsx")


# --- the outcome of a submission ---------------------------------------------------------------
def _row_label(issue, form: str) -> str:
    if issue.row is None:
        return ""
    return f"item {issue.row - 1}" if form == "json" else str(issue.row)


def _issues_by_sheet(issues, form: str) -> list[dict]:
    """Issues grouped as the return is laid out: the file itself, the return sheet, then each
    record sheet; within a sheet, in the order they were found."""
    groups: dict[str, list] = {}
    for issue in issues:
        issue.row_label = _row_label(issue, form)
        groups.setdefault(issue.sheet, []).append(issue)
    order = ["", "return", *fmt.RECORD_SHEETS]
    ranked = sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return [{"sheet": sheet, "title": f"Sheet ‘{sheet}’" if sheet else "The file as a whole", "issues": found,
             "anchor": f"sheet-{sheet or 'file'}"} for sheet, found in ranked]


@requires(VIEW_RETURNS)
def submission(request, pk: int):
    with transaction.atomic():
        attempt = get_object_or_404(submissions_visible_to(user=request.user), pk=pk)
        issues = issues_visible_to(user=request.user, submission=attempt)
        errors = list(issues.filter(severity=IssueSeverity.ERROR)[:ISSUES_SHOWN])
        warnings = list(issues.filter(severity=IssueSeverity.WARNING)[:ISSUES_SHOWN])
        if errors or warnings:  # cells quoted in a report can be personal data
            _audit(request, action=AuditAction.VIEW, object_type="returns.Submission", object_refs=[attempt.pk],
                   detail={"errors_shown": len(errors), "warnings_shown": len(warnings)},
                   default_purpose=DATA_QUALITY)
    error_groups = _issues_by_sheet(errors, attempt.form)
    national_return = attempt.national_return
    return render(request, "returns/submission.html", {
        "submission": attempt, "national_return": national_return,
        "period": period_label(national_return.period_start, national_return.period_end) if national_return else "",
        "error_groups": error_groups, "errors_in_order": [i for group in error_groups for i in group["issues"]],
        "warning_groups": _issues_by_sheet(warnings, attempt.form),
        "errors_shown": len(errors), "warnings_shown": len(warnings), "issues_shown_max": ISSUES_SHOWN,
        "counts": _counts(national_return) if national_return else [],
        "stated_period": period_label(attempt.period_start, attempt.period_end) if attempt.period_start else "",
    })


@requires(VIEW_RETURNS)
def error_report(request, pk: int):
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        raise Http404("Choose format=csv or format=xlsx.")
    with transaction.atomic():
        attempt = get_object_or_404(submissions_visible_to(user=request.user), pk=pk)
        issues = issues_visible_to(user=request.user, submission=attempt).order_by("severity", "id")
        _audit(request, action=AuditAction.EXPORT, object_type="returns.Submission", object_refs=[attempt.pk],
               detail={"format": kind, "rows": issues.count()}, default_purpose=DATA_QUALITY)
    filename = f"crossline-submission-{attempt.pk}-errors.{kind}"
    if kind == "xlsx":
        return _xlsx(error_report_xlsx(issues.iterator(chunk_size=2000), form=attempt.form), filename)
    response = StreamingHttpResponse(error_report_csv(issues.iterator(chunk_size=2000), form=attempt.form),
                                     content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- lists ------------------------------------------------------------------------------------
def _filter_form(request, *, with_attempts: bool = False):
    return SubmissionFilterForm(request.GET or None, forces=_visible_forces(request.user),
                                returns=returns_visible_to(user=request.user),
                                submissions=submissions_visible_to(user=request.user) if with_attempts else None)


@requires(VIEW_RETURNS)
def return_list(request):
    form = _filter_form(request)
    del form.fields["status"]  # a stored return has no outcome but "accepted"
    returns = current_returns_visible_to(user=request.user).order_by("-period_start", "force__name", "-version")
    filters = form.filters()
    if "force" in filters:
        returns = returns.filter(force_id=filters["force"])
    if "period" in filters:
        returns = returns.filter(period_start=filters["period"][0], period_end=filters["period"][1])
    page = Paginator(returns, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for shown in page.object_list:
        shown.period = period_label(shown.period_start, shown.period_end)
    return render(request, "returns/list.html", {"form": form, "page": page,
                                                 "tabs": _sub_navigation(request, "returns:list")})


@requires(VIEW_RETURNS)
def submission_list(request):
    form = _filter_form(request, with_attempts=True)
    submissions = submissions_visible_to(user=request.user)
    filters = form.filters()
    if "force" in filters:
        force = filters["force"]
        # An attempt is for the force its return names; one unreadable that far, for its sender's.
        submissions = submissions.filter(Q(force_id=force)
                                         | Q(force__isnull=True, organisation__police_force_id=force))
    if "period" in filters:
        submissions = submissions.filter(period_start=filters["period"][0], period_end=filters["period"][1])
    if "status" in filters:
        submissions = submissions.filter(status=filters["status"])
    page = Paginator(submissions, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for shown in page.object_list:
        shown.period = period_label(shown.period_start, shown.period_end) if shown.period_start else ""
    return render(request, "returns/submissions.html", {"form": form, "page": page,
                                                        "tabs": _sub_navigation(request, "returns:submissions")})


# --- a return -----------------------------------------------------------------------------------
def _counts(national_return) -> list[dict]:
    return [{"sheet": sheet, "title": SHEET_TITLES[sheet], "count": getattr(national_return, field),
             "url": reverse("returns:records", args=[national_return.pk, sheet])}
            for sheet, field in COUNT_FIELDS.items()]


def _return_tabs(national_return, current: str) -> list[dict]:
    tabs = [{"label": "Overview", "url": reverse("returns:detail", args=[national_return.pk]),
             "current": current == "overview"}]
    tabs += [{"label": f"{item['title']} ({item['count']})", "url": item["url"], "current": current == item["sheet"]}
             for item in _counts(national_return)]
    return tabs


def _visible_return(request, pk: int):
    national_return = get_object_or_404(returns_visible_to(user=request.user), pk=pk)
    national_return.period = period_label(national_return.period_start, national_return.period_end)
    return national_return


@requires(VIEW_RETURNS)
def return_detail(request, pk: int):
    national_return = _visible_return(request, pk)
    history = list(return_history(user=request.user, national_return=national_return))
    current = next((version for version in history if version.is_current), None)
    source = national_return.submission
    return render(request, "returns/detail.html", {
        "national_return": national_return, "history": history, "current": current,
        "counts": _counts(national_return), "tabs": _return_tabs(national_return, "overview"),
        "source": source, "source_visible": submissions_visible_to(user=request.user).filter(pk=source.pk).exists(),
        "source_organisation": source.organisation,
    })


@requires(VIEW_RETURNS, VIEW_PERSONAL_DATA)
@personal_data_view
def return_records(request, pk: int, sheet: str):
    if sheet not in RECORD_SELECTORS:
        raise Http404("No such sheet.")
    with transaction.atomic():
        national_return = _visible_return(request, pk)
        records = RECORD_SELECTORS[sheet](user=request.user, current_only=False).filter(
            national_return=national_return).order_by("row_number")
        page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
        _audit(request, action=AuditAction.VIEW, object_type=f"returns.{RECORD_MODELS[sheet].__name__}",
               object_refs=[record.pk for record in page.object_list],
               detail={"national_return": national_return.pk, "sheet": sheet, "page": page.number})
    rows = [{"record": record, "url": reverse(RECORD_URLS[sheet], args=[record.pk]), "cells": _list_cells(record, sheet),
             "grading": _grading_code(record)} for record in page.object_list]
    return render(request, "returns/records.html", {
        "national_return": national_return, "sheet": sheet, "title": SHEET_TITLES[sheet], "page": page,
        "rows": rows, "headings": LIST_HEADINGS[sheet], "tabs": _return_tabs(national_return, sheet),
        "current": return_history(user=request.user, national_return=national_return).filter(is_current=True).first(),
    })


# --- presenting a record ------------------------------------------------------------------------
LIST_HEADINGS = {
    "lines": ("Line name", "Deal numbers", "Status", "Run from"),
    "people": ("Name", "Date of birth or age", "Roles", "Vulnerable"),
    "locations": ("Type", "Address", "Postcode"),
    "vehicles": ("Registration", "Vehicle"),
    "events": ("Date", "Type", "Postcode"),
}


def shown(value) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return "; ".join(shown(item) for item in value)
    return str(value)


def words(code) -> str:
    """A vocabulary code ("cuckooed_address", or a list of them) in words."""
    return shown(code).replace("_", " ")


def _as_submitted(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_as_submitted(item) for item in value)
    return str(value)


def _area(code: str) -> str:
    area = lookups.find_area(code)
    return f"{code} ({area.name})" if area is not None and area.name != code else code


def _council(code: str) -> str:
    council = lookups.find_council(code) if code else None
    return f"{code} ({council.name})" if council is not None else code


def _place(record) -> str:
    if not record.postcode:
        return ""
    where = [authority.name] if (authority := lookups.local_authority(record.postcode_local_authority_id or "")) else []
    if record.postcode_force_id:
        where.append(str(lookups.police_force(record.postcode_force_id) or record.postcode_force_id))
    if record.location_confidence:
        where.append(CONFIDENCE_WORDS.get(record.location_confidence, record.location_confidence))
    return f"{record.postcode} ({', '.join(where)})" if where else record.postcode


def _stored_text(record, sheet: str, column: fmt.Column) -> str:
    name = column.name
    if name == fmt.SHEETS[sheet].ref_column:
        return record.ref
    value = getattr(record, STORED_AS.get(name, name), None)
    if column.kind in ("area", "area_multi"):
        return "; ".join(_area(code) for code in ([value] if isinstance(value, str) else value or []) if code)
    if column.kind == "local_authority":
        return _council(value)
    if column.kind == "postcode":
        return _place(record)
    if column.kind in ("vocab", "vocab_multi", "text", "multi_text"):
        return "; ".join(value) if isinstance(value, list) else (value or "")
    return shown(value)


def _fields(record, sheet: str, links_by_sheet: dict) -> list[dict]:
    """Every column of the sheet: as the submitter gave it, and as it is stored."""
    rows = []
    for column in fmt.SHEETS[sheet].columns.values():
        if column.name in fmt.GRADING_COLUMNS:
            continue
        given = _as_submitted(record.submitted.get(column.name))
        if column.refers_to:
            rows.append({"name": column.name, "submitted": given, "links": links_by_sheet.get(column.refers_to, [])})
            continue
        stored = _stored_text(record, sheet, column)
        # An area or postcode is stored as given, with where it is added in brackets: not a change.
        changed = bool(given) and given != stored and not stored.startswith(f"{given} (")
        rows.append({"name": column.name, "submitted": given, "stored": stored, "changed": changed, "links": None})
    return rows


def grading(record) -> list[tuple[str, str]]:
    handling = f"{record.handling_code}: {fmt.HANDLING_CODE_MEANINGS.get(record.handling_code, 'unknown code')}"
    if record.handling_code == "C" and record.handling_conditions:
        handling += f". Conditions: {record.handling_conditions}"
    return [
        ("Source evaluation",
         f"{record.source_eval}: {fmt.SOURCE_EVAL_MEANINGS.get(record.source_eval, 'unknown code')}"),
        ("Intelligence assessment",
         f"{record.intel_assessment}: {fmt.INTEL_ASSESSMENT_MEANINGS.get(record.intel_assessment, 'unknown code')}"),
        ("Handling code", handling),
    ]


def _grading_code(record) -> dict:
    return {"code": f"{record.source_eval}{record.intel_assessment}{record.handling_code}",
            "words": "; ".join(text.split(": ", 1)[1] for _, text in grading(record))}


def label(record, sheet: str) -> str:
    """What a person calls the record, after its reference."""
    if sheet == "lines":
        return record.line_name or shown(record.deal_numbers)
    if sheet == "people":
        name = ", ".join(part for part in (record.surname, record.forenames) if part)
        return name or shown(record.aliases)
    if sheet == "locations":
        return ", ".join(part for part in (words(record.type), record.postcode or record.address) if part)
    if sheet == "vehicles":
        return " ".join(part for part in (record.vrm, record.make, record.model) if part)
    return f"{words(record.type)} on {shown(record.date)}"


def _list_cells(record, sheet: str) -> list[str]:
    if sheet == "lines":
        return [record.line_name, shown(record.deal_numbers), words(record.status), _area(record.exporting_area_code)]
    if sheet == "people":
        name = ", ".join(part for part in (record.surname, record.forenames) if part) or shown(record.aliases)
        born = shown(record.date_of_birth) or (f"about {record.age_estimate}" if record.age_estimate else "")
        vulnerable = ("Yes, a child" if record.is_child else "Yes") if record.vulnerable else "No"
        return [name, born, words(record.roles), vulnerable]
    if sheet == "locations":
        return [words(record.type), record.address, record.postcode]
    if sheet == "vehicles":
        return [record.vrm, " ".join(part for part in (record.colour, record.make, record.model) if part)]
    return [shown(record.date), words(record.type), record.postcode]


def _linked(user, record, sheet: str) -> tuple[dict, dict]:
    """The records this one names (by the sheet they are on) and those naming it, as links."""
    links = record_links_visible_to(user=user, current_only=False).filter(national_return=record.national_return_id)
    outgoing = links.filter(from_sheet=sheet, from_ref=record.ref).values_list("to_sheet", "to_ref")
    incoming = links.filter(to_sheet=sheet, to_ref=record.ref).values_list("from_sheet", "from_ref")
    return _resolve(user, record.national_return_id, outgoing), _resolve(user, record.national_return_id, incoming)


def _resolve(user, return_id: int, pairs) -> dict[str, list[dict]]:
    wanted: dict[str, set[str]] = {}
    for target_sheet, ref in pairs:
        wanted.setdefault(target_sheet, set()).add(ref)
    found: dict[str, list[dict]] = {}
    for target_sheet in fmt.RECORD_SHEETS:
        if target_sheet not in wanted:
            continue
        records = RECORD_SELECTORS[target_sheet](user=user, current_only=False).filter(
            national_return_id=return_id, ref__in=wanted[target_sheet]).order_by("row_number")
        found[target_sheet] = [{"pk": linked.pk, "ref": linked.ref, "label": label(linked, target_sheet),
                                "url": reverse(RECORD_URLS[target_sheet], args=[linked.pk])} for linked in records]
    return found


def _record_page(request, pk: int, *, sheet: str):
    model = RECORD_MODELS[sheet]
    with transaction.atomic():
        record = get_object_or_404(RECORD_SELECTORS[sheet](user=request.user, current_only=False).select_related(
            "national_return__force", "national_return__submission__organisation"), pk=pk)
        names, named_by = _linked(request.user, record, sheet)
        _audit(request, action=AuditAction.VIEW, object_type=f"returns.{model.__name__}", object_refs=[record.pk],
               detail={"national_return": record.national_return_id,
                       "linked": {linked_sheet: sorted({item["pk"] for item in names.get(linked_sheet, [])}
                                                       | {item["pk"] for item in named_by.get(linked_sheet, [])})
                                  for linked_sheet in set(names) | set(named_by)}})
    national_return = record.national_return
    national_return.period = period_label(national_return.period_start, national_return.period_end)
    source = national_return.submission
    row = f"item {record.row_number - 1}" if source.form == "json" else f"row {record.row_number}"
    return render(request, "returns/record.html", {
        "record": record, "sheet": sheet, "singular": model._meta.verbose_name, "label": label(record, sheet),
        "fields": _fields(record, sheet, names), "grading": grading(record), "national_return": national_return,
        "source": source, "row": row,
        "named_by": [{"title": SHEET_TITLES[from_sheet], "records": named_by[from_sheet]}
                     for from_sheet in fmt.RECORD_SHEETS if from_sheet in named_by],
    })


def _record_view(sheet: str):
    @requires(VIEW_RETURNS, VIEW_PERSONAL_DATA)
    @personal_data_view
    def view(request, pk: int):
        return _record_page(request, pk, sheet=sheet)

    view.__name__ = view.__qualname__ = RECORD_URLS[sheet].split(":")[1]
    return view


line = _record_view("lines")
person = _record_view("people")
location = _record_view("locations")
vehicle = _record_view("vehicles")
event = _record_view("events")
