from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crossline.accounts.roles import VIEW_NATIONAL_COMPLIANCE
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.compliance.exports import league_csv, league_xlsx
from crossline.compliance.forms import ScheduleForm
from crossline.compliance.models import ReturnSchedule
from crossline.compliance.selectors import (
    FIRST_DIRECTION,
    SORTS,
    compliance_forces_visible_to,
    force_compliance,
    league_table,
    notices_for,
    own_force,
    timeliness_statuses,
)
from crossline.compliance.services import notice_mark_read, return_schedule_set
from crossline.core.permissions import requires
from crossline.reference.models import PoliceForce

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_forces(request):
    """Compliance pages are open to anyone who may see some force's figures: a force's people,
    ROCUs, the national centre, and PCC offices (figures only). Everyone else is refused."""
    forces = compliance_forces_visible_to(user=request.user)
    if not forces.exists():
        raise PermissionDenied
    return forces


@requires()
def force(request):
    """The user's own force; someone who may see several forces and has no force of their own
    (a ROCU, the national centre) chooses one."""
    forces = _visible_forces(request)
    mine = own_force(user=request.user)
    if mine is None and forces.count() == 1:
        mine = forces.get()
    if mine is not None:
        return _force_page(request, mine.pk)
    return render(request, "compliance/choose_force.html", {"forces": forces.order_by("name")})


@requires()
def force_detail(request, code: str):
    _visible_forces(request)
    return _force_page(request, code)


def _force_page(request, code: str):
    try:
        compliance = force_compliance(user=request.user, force_code=code)
    except PoliceForce.DoesNotExist as missing:
        raise Http404 from missing
    return render(request, "compliance/force.html", {
        "compliance": compliance, "statuses": timeliness_statuses(),
        "may_see_league": request.user.has_perm(VIEW_NATIONAL_COMPLIANCE),
    })


def _league(request):
    return league_table(user=request.user, sort=request.GET.get("sort", "on_time"),
                        direction=request.GET.get("dir"))


@requires(VIEW_NATIONAL_COMPLIANCE)
def league(request):
    table = _league(request)
    columns = []
    for key, label, numeric in (("force", "Force", False), ("due", "Due so far", True), ("on_time", "On time", True), ("late", "Late", True),
                                ("missing", "Missing", True), ("rejected", "Rejected attempts", True),
                                ("completeness", "Completeness", True), ("quality", "Quality", True)):
        current = table.sort == key
        direction = ("asc" if table.direction == "desc" else "desc") if current else FIRST_DIRECTION[key]
        columns.append({"key": key, "label": label, "numeric": numeric, "next_direction": direction,
                        "aria_sort": ("ascending" if table.direction == "asc" else "descending") if current else "none"})
    return render(request, "compliance/league.html", {"league": table, "columns": columns, "sorts": SORTS})


@requires(VIEW_NATIONAL_COMPLIANCE)
def league_export(request, form: str):
    if form not in ("csv", "xlsx"):
        raise Http404
    table = _league(request)
    with transaction.atomic():
        audit_record(action=AuditAction.EXPORT, object_type="compliance.LeagueTable", request=request,
                     detail={"format": form, "forces": len(table.rows), "sort": table.sort})
    stamp = timezone.localdate().isoformat()
    if form == "csv":
        response = HttpResponse(league_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(league_xlsx(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="crossline-compliance-league-{stamp}.{form}"'
    return response


@requires(VIEW_NATIONAL_COMPLIANCE)
def schedule(request):
    """The schedule's history for everyone who sees the league table; the form for the national centre."""
    may_change = bool(request.user.organisation_id and request.user.organisation.is_national)
    form = None
    if may_change:
        form = ScheduleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                return_schedule_set(changed_by=request.user, request=request, **form.cleaned_data)
            except ValidationError as problem:
                for name, messages in problem.message_dict.items():
                    for message in messages:
                        form.add_error(name if name in form.fields else None, message)
            else:
                return redirect("compliance:schedule")
    elif request.method == "POST":
        raise PermissionDenied
    versions = ReturnSchedule.objects.select_related("created_by").order_by("-effective_from", "-created_at", "-id")
    return render(request, "compliance/schedule.html", {"form": form, "versions": versions})


@requires()
def notices(request):
    return render(request, "compliance/notices.html", {"notices": notices_for(user=request.user)[:100]})


@requires()
@require_POST
def notice_read(request, pk: int):
    notice = get_object_or_404(notices_for(user=request.user), pk=pk)
    notice_mark_read(notice=notice, user=request.user)
    return redirect("compliance:notices")
