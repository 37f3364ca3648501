"""Web pages for intensification weeks: the weeks, opening one, a week's results and totals,
sending a force's results (form or upload), and a force's versions.

Reads go through the scoped selectors (another force's results are a 404); writes go through
the services the API calls too. Results are aggregates, not personal data, so reading them is
not audited; opening a week, every submission and every export are.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from crossline.accounts.roles import COORDINATE_TASKING, SUBMIT_INTENSIFICATION_RESULTS
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.permissions import requires
from crossline.intensification import exports
from crossline.intensification.charts import bar_chart
from crossline.intensification.figures import BY_KEY, FIGURES, figures_by_group, shown
from crossline.intensification.forms import ResultsForm, ResultsUploadForm, WeekOpenForm
from crossline.intensification.models import IntensificationWeek, WeekResult
from crossline.intensification.selectors import (
    force_results_history,
    forces_submittable_for_week,
    may_open_weeks,
    week_picture,
    week_state,
    weeks_visible_to,
)
from crossline.intensification.services import IdempotencyConflict, results_submit, results_upload, week_open
from crossline.intensification.validate import Raw
from crossline.reference.models import PoliceForce
from crossline.returns.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

# Figures a person can take in at a glance, charted week on week.
HEADLINES = (("arrests", "Arrests", ("arrests",)), ("charges", "Charges", ("charges",)),
             ("safeguarded", "People safeguarded", ("safeguarded_children", "safeguarded_adults")),
             ("lines_closed", "Lines closed", ("lines_closed_type_1", "lines_closed_type_2")))


def _week(pk: int) -> IntensificationWeek:
    return get_object_or_404(IntensificationWeek, pk=pk)


@requires()
def weeks(request):
    """Every week, newest first; those a user's force has still to send results for stand out."""
    visible = list(weeks_visible_to(user=request.user))
    submittable = list(forces_submittable_for_week(user=request.user))
    today = timezone.localdate()
    mine = {}
    if len(submittable) == 1:
        mine = {r.week_id: r for r in WeekResult.objects.filter(week__in=visible, is_current=True,
                                                                force=submittable[0])}
    rows = []
    for week in visible:
        state, words = week_state(week, today)
        rows.append({"week": week, "state": state, "state_words": words, "reported": week.reported,
                     "mine": mine.get(week.pk), "may_submit": bool(submittable) and state != "upcoming"})
    return render(request, "intensification/weeks.html", {
        "rows": rows, "may_open": may_open_weeks(request.user), "forces_total": PoliceForce.objects.count(),
        "submittable": submittable})


@requires(COORDINATE_TASKING)
def open_week(request):
    if not may_open_weeks(request.user):
        raise PermissionDenied
    form = WeekOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            week = week_open(opened_by=request.user, request=request, **form.cleaned_data)
        except ValidationError as problem:
            for name, errors in problem.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, f"{week.name} is open. Forces can send their results once it starts.")
            return redirect("intensification:week", week.pk)
    return render(request, "intensification/open.html", {"form": form})


def _headline_value(total, keys) -> int:
    return sum(total.values[key] for key in keys)


@requires()
def week(request, pk: int):
    picture = week_picture(user=request.user, week=_week(pk))
    charts = []
    highlight = len(picture.trend) - 1
    for key, label, keys in HEADLINES:
        bars = [(entry["week"].starts_on.strftime("%-d %b"), _headline_value(entry["total"], keys),
                 f"{_headline_value(entry['total'], keys):,}") for entry in picture.trend]
        charts.append(bar_chart(title=label, bars=bars, highlight=highlight,
                                description=f"{label}, {picture.trend_name}, by intensification week: " + ", ".join(
                                    f"week starting {b[0]}: {b[2]}" for b in bars) + ".") | {"id": f"chart-{key}"})
    trend_rows = [{"week": entry["week"], **_headline_row(entry["total"])} for entry in picture.trend]
    region_rows = [_headline_row(total) for total in picture.regions] if len(picture.regions) > 1 else []
    submittable = forces_submittable_for_week(user=request.user)
    return render(request, "intensification/week.html", {
        "picture": picture, "week": picture.week, "charts": charts, "trend_rows": trend_rows,
        "headline_labels": [label for _, label, _ in HEADLINES], "groups": _figure_rows(picture),
        "region_rows": region_rows,
        "may_submit": submittable.exists() and picture.state != "upcoming",
        "submitted": sum(1 for row in picture.forces if row.result),
    })


def _headline_row(total) -> dict:
    return {"total": total, "headlines": [f"{_headline_value(total, keys):,}" for _, _, keys in HEADLINES],
            "cash": shown(BY_KEY["cash_seized_gbp"], total.values["cash_seized_gbp"]),
            "drugs_kg": f"{sum(total.values[f.key] for f in FIGURES if f.drug) / 1000:,.2f}"}


def _figure_rows(picture) -> list[dict]:
    """The totals table: one row per figure, a column for the user's region (when they have one)
    and one for the nation. The national centre sees regions side by side in their own table."""
    regions = picture.regions if len(picture.regions) == 1 else []
    columns = [*regions, *([picture.national] if picture.national else [])]
    if not columns:
        return []
    groups = []
    for _, heading, figures in figures_by_group():
        groups.append({"heading": heading, "rows": [
            {"label": f.label, "values": [shown(f, column.values[f.key]) for column in columns]} for f in figures]})
    return [{"columns": columns, "groups": groups}]


def _problems_into(form, problems) -> None:
    for problem in problems:
        name = problem.field if problem.field in form.fields else None
        form.add_error(name, problem.message)


def _force_for(form, request):
    force = form.chosen_force()
    if force is None:
        raise PermissionDenied
    return force


@requires(SUBMIT_INTENSIFICATION_RESULTS)
def submit(request, pk: int):
    week = _week(pk)
    forces = list(forces_submittable_for_week(user=request.user))
    if not forces:
        raise PermissionDenied
    initial = {}
    current = None
    if request.method != "POST" and len(forces) == 1:
        current = week.results.filter(force=forces[0], is_current=True).first()
        if current is not None:
            initial = {f.key: _initial(f, current) for f in FIGURES}
    form = ResultsForm(request.POST or None, forces=forces, initial=initial)
    if request.method == "POST" and form.is_valid():
        force = _force_for(form, request)
        raw = {f.key: Raw(form.cleaned_data.get(f.key, "")) for f in FIGURES}
        try:
            outcome = results_submit(week=week, force=force, raw=raw, through="form", actor=request.user,
                                     idempotency_key=str(form.cleaned_data["idempotency_key"]), request=request)
        except IdempotencyConflict:
            form.fresh_key()
            form.add_error(None, "You already sent different figures from this page. Check them and send again")
        else:
            if outcome.ok:
                return _sent(request, week, force, outcome)
            _problems_into(form, outcome.errors)
    return render(request, "intensification/submit.html", {
        "week": week, "form": form, "forces": forces, "current": current,
        "state": week_state(week)[0]})


def _initial(figure, result) -> str:
    if figure.drug:
        seizure = next((s for s in result.drug_seizures.all() if s.drug == figure.drug), None)
        return "" if seizure is None else _plain_number(seizure.grams)
    return _plain_number(getattr(result, figure.key))


def _plain_number(value) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sent(request, week, force, outcome):
    result = outcome.result
    if outcome.created:
        messages.success(request, f"{force.force_name}'s results for {week.name} are stored as version "
                                  f"{result.version}.")
    else:
        messages.info(request, f"These figures are the same as version {result.version}, so nothing new was stored.")
    return redirect("intensification:force", week.pk, force.pk)


@requires(SUBMIT_INTENSIFICATION_RESULTS)
def upload(request, pk: int):
    week = _week(pk)
    forces = list(forces_submittable_for_week(user=request.user))
    if not forces:
        raise PermissionDenied
    form = ResultsUploadForm(request.POST or None, request.FILES or None, forces=forces)
    problems = []
    if request.method == "POST" and form.is_valid():
        force = _force_for(form, request)
        file = form.cleaned_data["file"]
        try:
            outcome = results_upload(week=week, force=force, content=file.read(), filename=file.name or "",
                                     actor=request.user, request=request,
                                     idempotency_key=str(form.cleaned_data["idempotency_key"]))
        except IdempotencyConflict:
            form.fresh_key()
            form.add_error("file", "You already sent a different file from this page. Select your file again")
        else:
            if outcome.ok:
                return _sent(request, week, force, outcome)
            problems = outcome.errors
            form.fresh_key()  # the same key with a corrected file is a different request
            form.add_error("file", f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}. "
                                   "Correct them and upload it again")
    return render(request, "intensification/upload.html", {"week": week, "form": form, "forces": forces,
                                                            "problems": problems})


@requires(SUBMIT_INTENSIFICATION_RESULTS)
def template(request, pk: int, form: str):
    week = _week(pk)
    if form not in ("xlsx", "csv"):
        raise Http404
    forces = list(forces_submittable_for_week(user=request.user))
    force = forces[0] if len(forces) == 1 else None
    filename = f"crossline-intensification-{week.starts_on.isoformat()}-{(force.pk if force else 'results')}.{form}"
    if form == "xlsx":
        response = HttpResponse(exports.template_xlsx(week=week, force=force), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse("".join(exports.template_csv(week=week, force=force)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires()
def force(request, pk: int, code: str):
    week = _week(pk)
    try:
        versions = force_results_history(user=request.user, week=week, force_code=code)
    except PoliceForce.DoesNotExist as missing:
        raise Http404 from missing
    force_shown = PoliceForce.objects.get(pk=code)
    groups = [{"heading": heading, "rows": [
        {"label": f.label, "values": [shown(f, v.values[f.key]) for v in versions]} for f in figures]}
        for _, heading, figures in figures_by_group()]
    return render(request, "intensification/force.html", {
        "week": week, "force": force_shown, "versions": versions, "groups": groups,
        "may_submit": forces_submittable_for_week(user=request.user).filter(pk=code).exists()})


@requires()
def export(request, pk: int, form: str):
    if form not in ("csv", "xlsx"):
        raise Http404
    picture = week_picture(user=request.user, week=_week(pk))
    with transaction.atomic():
        audit_record(action=AuditAction.EXPORT, object_type="intensification.IntensificationWeek",
                     object_refs=[picture.week.pk], request=request,
                     detail={"format": form, "forces": len(picture.forces), "regions": len(picture.regions),
                             "national": picture.national is not None})
    filename = f"crossline-intensification-{picture.week.starts_on.isoformat()}.{form}"
    if form == "xlsx":
        response = HttpResponse(exports.picture_xlsx(picture), content_type=XLSX_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(exports.picture_csv(picture), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


