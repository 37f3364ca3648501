"""Tasking pages: the list, setting a tasking, one tasking (answer, update, complete, cancel),
nominations and decisions, deconfliction notices, and meetings with their packs.

Thin: each parses, calls a selector or service, and renders. Reads that show a tasking,
nomination or pack are audited; every change is audited by its service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.roles import COORDINATE_TASKING, RESPOND_TO_TASKING
from crossline.audit.models import AuditAction
from crossline.core.permissions import requires
from crossline.linkage.models import Entity
from crossline.linkage.views.common import audit, requires_any
from crossline.reference.models import Region
from crossline.tasking import scores, services
from crossline.tasking.forms import (
    CancelForm,
    CompleteForm,
    DecisionForm,
    MeetingForm,
    NominationForm,
    RespondForm,
    TaskingForm,
    UpdateForm,
    parse_line_numbers,
)
from crossline.tasking.models import (
    DeconflictionNotice,
    MeetingPack,
    NominationStatus,
    OwnerStatus,
    PackStatus,
    TaskingStatus,
)
from crossline.tasking.pack import pack_build, pack_xlsx
from crossline.tasking.selectors import (
    may_decide,
    may_manage,
    meeting_regions,
    meetings_visible_to,
    nominations_to_decide,
    nominations_visible_to,
    owner_row_for,
    packs_visible_to,
    taskings_visible_to,
)

works_taskings = requires_any(COORDINATE_TASKING, RESPOND_TO_TASKING)


def _errors_to_form(form, problem: ValidationError) -> None:
    if hasattr(problem, "error_dict"):
        for field, errors in problem.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, problem.messages)


def _tasking_or_404(request, reference: str):
    return get_object_or_404(taskings_visible_to(user=request.user), reference=reference)


# --- taskings ----------------------------------------------------------------------------------------
@works_taskings
def tasking_list(request):
    user = request.user
    show = request.GET.get("show", "live")
    taskings = taskings_visible_to(user=user)
    today = timezone.localdate()
    if show == "overdue":
        taskings = taskings.filter(status=TaskingStatus.LIVE, due_date__lt=today)
    elif show == "closed":
        taskings = taskings.exclude(status=TaskingStatus.LIVE).order_by("-closed_at")
    else:
        show = "live"
        taskings = taskings.filter(status=TaskingStatus.LIVE)
    taskings = list(taskings[:200])
    mine = {}
    if user.has_perm(RESPOND_TO_TASKING):
        for tasking in taskings:
            row = next((owner for owner in tasking.owners.all() if owner.organisation_id == user.organisation_id), None)
            if row is not None:
                mine[tasking.pk] = row
    labels = scores.line_labels(user=user, entity_ids={line.pk for t in taskings for line in t.lines.all()})
    rows = [{"tasking": t, "mine": mine.get(t.pk), "overdue": t.status == TaskingStatus.LIVE and t.due_date < today,
             "lines": [labels[line.pk] for line in t.lines.all()]} for t in taskings]
    deconflictions = DeconflictionNotice.objects.filter(
        first_organisation=user.organisation) | DeconflictionNotice.objects.filter(second_organisation=user.organisation)
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="tasking.Tasking",
              object_refs=[t.reference for t in taskings], detail={"show": show, "count": len(taskings)})
    return render(request, "tasking/list.html", {
        "rows": rows, "show": show, "may_set": user.has_perm(COORDINATE_TASKING),
        "deconflictions": deconflictions.select_related("first_organisation", "second_organisation")[:20],
        "to_decide": nominations_to_decide(user=user).count() if user.has_perm(COORDINATE_TASKING) else 0,
    })


@requires(COORDINATE_TASKING)
def tasking_create(request):
    user = request.user
    owners = services.owners_allowed(actor=user)
    if not owners:
        raise PermissionDenied
    nomination = None
    if request.GET.get("nomination", "").isdigit():
        nomination = nominations_visible_to(user=user).filter(pk=int(request.GET["nomination"])).first()
    if request.method == "POST":
        form = TaskingForm(request.POST, owners=owners, reporting=_reporting(request.POST.get("lines", "")))
        if request.POST.get("nomination", "").isdigit():
            nomination = nominations_visible_to(user=user).filter(pk=int(request.POST["nomination"])).first()
        if form.is_valid():
            data = form.cleaned_data
            chosen = [org for org in owners if str(org.pk) in data["owners"]]
            lines = list(Entity.objects.filter(pk__in=data["lines"]))
            missing = set(data["lines"]) - {line.pk for line in lines}
            if missing:
                form.add_error("lines", f"There is no line {min(missing)}: check the number")
            else:
                try:
                    tasking = services.tasking_create(
                        actor=user, title=data["title"], lines=lines, owners=chosen, objective=data["objective"],
                        priority=data["priority"], due_date=data["due_date"], instructions=data["instructions"],
                        nomination=nomination, request=request)
                except ValidationError as problem:
                    _errors_to_form(form, problem)
                else:
                    messages.success(request, f"Tasking {tasking.reference} set. The owners have been told.")
                    return redirect("tasking:detail", tasking.reference)
    else:
        initial = {}
        given = request.GET.getlist("line")
        if given:
            try:
                initial["lines"] = ", ".join(str(pk) for pk in parse_line_numbers(" ".join(given)))
            except ValidationError:
                pass
        if nomination is not None:
            initial["lines"] = str(nomination.line_id)
            initial["owners"] = [str(nomination.organisation_id)]
        form = TaskingForm(initial=initial, owners=owners, reporting=_reporting(initial.get("lines", "")))
    return render(request, "tasking/create.html", {"form": form, "nomination": nomination})


def _reporting(lines: str) -> set[str]:
    """The forces reporting the lines typed so far (nothing if they are not numbers yet)."""
    try:
        numbers = parse_line_numbers(lines)
    except ValidationError:
        return set()
    return {code for codes in Entity.objects.filter(pk__in=numbers, kind="line").values_list("force_codes", flat=True)
            for code in codes or ()}


@works_taskings
def tasking_detail(request, reference: str):
    user = request.user
    tasking = _tasking_or_404(request, reference)
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="tasking.Tasking",
              object_refs=[tasking.pk, tasking.reference], detail={"lines": [line.pk for line in tasking.lines.all()]})
    mine = owner_row_for(user=user, tasking=tasking)
    line_ids = [line.pk for line in tasking.lines.all()]
    labels = scores.line_labels(user=user, entity_ids=line_ids)
    line_scores = scores.scores_for(user=user, entity_ids=line_ids)
    visible_lines = set(Entity.objects.filter(pk__in=line_ids).values_list("pk", flat=True))
    lines = [{"id": pk, "label": labels[pk], "score": line_scores.get(pk), "exists": pk in visible_lines}
             for pk in line_ids]
    events = tasking.events.select_related("by", "by_organisation", "owner__organisation").order_by("-at", "-id")
    live = tasking.status == TaskingStatus.LIVE
    return render(request, "tasking/detail.html", {
        "tasking": tasking, "owners": list(tasking.owners.all()), "mine": mine, "lines": lines, "events": events,
        "overdue": live and tasking.due_date < timezone.localdate(),
        "may_manage": live and may_manage(user=user, tasking=tasking),
        "respond_form": RespondForm() if live and mine and mine.status == OwnerStatus.AWAITING else None,
        "update_form": UpdateForm() if live and ((mine and mine.status == OwnerStatus.ACCEPTED)
                                                 or may_manage(user=user, tasking=tasking)) else None,
        "may_complete": live and mine is not None and mine.status == OwnerStatus.ACCEPTED,
        "profile_url": _profile_url(),
        "deconflictions": tasking.deconflictions.select_related("first_organisation", "second_organisation"),
    })


def _profile_url() -> str | None:
    """The assessment's line profile address pattern, if it serves one ("…/0" to replace)."""
    try:
        return reverse("assessment:line", args=[0])
    except Exception:  # noqa: BLE001 - NoReverseMatch, or the app is not installed
        return None


def _tasking_form_page(request, reference: str, form_class, act, *, done: str, url_name: str, heading: str,
                       button: str, warning: bool = False):
    """One step on a tasking (answer, update, complete, cancel): the form, the service's refusal
    shown on it, or the tasking again with what was done."""
    tasking = _tasking_or_404(request, reference)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(tasking, form.cleaned_data)
        except ValidationError as problem:
            _errors_to_form(form, problem)
        else:
            messages.success(request, done)
            return redirect("tasking:detail", tasking.reference)
    return render(request, "tasking/form_page.html", {
        "tasking": tasking, "form": form, "heading": heading, "button": button, "warning": warning,
        "action": reverse(url_name, args=[tasking.reference])})


@requires(RESPOND_TO_TASKING)
def tasking_respond(request, reference: str):
    def act(tasking, data):
        services.tasking_respond(actor=request.user, tasking=tasking, accept=data["answer"] == "accept",
                                 reason=data["reason"], request=request)

    return _tasking_form_page(request, reference, RespondForm, act, url_name="tasking:respond",
                              done="Your answer has been recorded and the co-ordinators told.",
                              heading="Accept or decline", button="Send answer")


@works_taskings
def tasking_update(request, reference: str):
    def act(tasking, data):
        services.tasking_update(actor=request.user, tasking=tasking, text=data["text"], request=request)

    return _tasking_form_page(request, reference, UpdateForm, act, url_name="tasking:update", done="Update posted.",
                              heading="Post an update", button="Post update")


@requires(RESPOND_TO_TASKING)
def tasking_complete(request, reference: str):
    def act(tasking, data):
        services.tasking_complete(actor=request.user, tasking=tasking, request=request, outcomes=services.Outcomes(
            closure_type=data["closure_type"], arrests=data["arrests"], charges=data["charges"],
            safeguarding_referrals=data["safeguarding_referrals"], nrm_referrals=data["nrm_referrals"],
            summary=data["summary"]))

    return _tasking_form_page(request, reference, CompleteForm, act, url_name="tasking:complete",
                              done="Tasking completed. The co-ordinators have been told the outcomes.",
                              heading="Complete the tasking", button="Complete tasking")


@requires(COORDINATE_TASKING)
def tasking_cancel(request, reference: str):
    def act(tasking, data):
        services.tasking_cancel(actor=request.user, tasking=tasking, reason=data["reason"], request=request)

    return _tasking_form_page(request, reference, CancelForm, act, url_name="tasking:cancel",
                              done="Tasking cancelled. The owners have been told.", heading="Cancel the tasking",
                              button="Cancel tasking", warning=True)


@works_taskings
def deconfliction(request, pk: int):
    user = request.user
    notice = get_object_or_404(DeconflictionNotice.objects.select_related("first_organisation",
                                                                          "second_organisation"), pk=pk)
    mine = user.organisation_id in (notice.first_organisation_id, notice.second_organisation_id)
    involved = notice.taskings.filter(pk__in=taskings_visible_to(user=user).values("pk"))
    if not mine and not involved.exists():
        raise Http404
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="tasking.DeconflictionNotice", object_refs=[notice.pk],
              detail={"line": notice.line_id})
    all_taskings = list(notice.taskings.select_related("tasking_organisation", "created_by").order_by("reference"))
    visible = set(involved.values_list("pk", flat=True))
    reasons = [(org, notice.reasons.get(str(org.pk), "")) for org in (notice.first_organisation,
                                                                       notice.second_organisation)]
    return render(request, "tasking/deconfliction.html", {
        "notice": notice, "reasons": reasons, "taskings": all_taskings, "visible": visible,
        "label": scores.line_labels(user=user, entity_ids=[notice.line_id])[notice.line_id]})


# --- nominations ---------------------------------------------------------------------------------
@works_taskings
def nomination_list(request):
    user = request.user
    show = request.GET.get("show", "waiting")
    nominations = nominations_visible_to(user=user)
    if show == "decided":
        nominations = nominations.exclude(status=NominationStatus.PENDING).order_by("-decided_at")
    else:
        show = "waiting"
        nominations = nominations.filter(status=NominationStatus.PENDING)
    nominations = list(nominations[:200])
    ids = {n.line_id for n in nominations}
    line_scores = scores.scores_for(user=user, entity_ids=ids)
    labels = scores.line_labels(user=user, entity_ids=ids)
    rows = [{"nomination": n, "score": line_scores.get(n.line_id), "label": labels[n.line_id],
             "may_decide": may_decide(user=user, nomination=n)} for n in nominations]
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="tasking.Nomination",
              object_refs=[n.pk for n in nominations], detail={"show": show})
    return render(request, "tasking/nominations.html", {
        "rows": rows, "show": show, "scoring": scores.available(),
        "may_nominate": user.has_perm(RESPOND_TO_TASKING) and user.organisation.kind == "police_force",
        "coordinator": user.has_perm(COORDINATE_TASKING)})


@requires(RESPOND_TO_TASKING)
def nomination_create(request):
    user = request.user
    if user.organisation.kind != "police_force":
        raise PermissionDenied
    initial = {"line": request.GET["line"]} if request.GET.get("line", "").isdigit() else {}
    form = NominationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line = Entity.objects.filter(pk=data["line"], kind="line").first()
        try:
            nomination = services.nomination_create(actor=user, line=line, kind=data["kind"],
                                                    rationale=data["rationale"], request=request)
        except ValidationError as problem:
            _errors_to_form(form, problem)
        else:
            messages.success(request, "Nomination sent. You will be told of the decision and its reason.")
            return redirect("tasking:nomination", nomination.pk)
    return render(request, "tasking/nominate.html", {"form": form})


@works_taskings
def nomination_detail(request, pk: int):
    user = request.user
    nomination = get_object_or_404(nominations_visible_to(user=user), pk=pk)
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="tasking.Nomination",
              object_refs=[nomination.pk, f"line {nomination.line_id}"], detail={"status": nomination.status})
    deciding = may_decide(user=user, nomination=nomination)
    form = DecisionForm(request.POST or None) if deciding else None
    if request.method == "POST":
        if not deciding:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.nomination_decide(actor=user, nomination=nomination,
                                           agree=form.cleaned_data["decision"] == "agree",
                                           reason=form.cleaned_data["reason"], request=request)
            except ValidationError as problem:
                _errors_to_form(form, problem)
            else:
                messages.success(request, f"Decision recorded. {nomination.organisation.name} has been told.")
                return redirect("tasking:nomination", nomination.pk)
    score = scores.scores_for(user=user, entity_ids=[nomination.line_id]).get(nomination.line_id)
    return render(request, "tasking/nomination.html", {
        "nomination": nomination, "form": form, "score": score, "profile_url": _profile_url(),
        "label": scores.line_labels(user=user, entity_ids=[nomination.line_id])[nomination.line_id],
        "taskings": nomination.taskings.filter(pk__in=taskings_visible_to(user=user).values("pk")),
        "may_task": deciding or (user.has_perm(COORDINATE_TASKING) and nomination.status == NominationStatus.AGREED),
    })


# --- meetings and packs --------------------------------------------------------------------------
@requires(COORDINATE_TASKING)
def meetings(request):
    user = request.user
    national, regions = meeting_regions(user)
    if not national and not regions:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, regions=regions, national=national,
                       initial={"region": "national" if national else regions[0].pk})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["region"]
        region = None if chosen == "national" else Region.objects.get(pk=chosen)
        try:
            meeting = services.meeting_create(actor=user, region=region, held_on=form.cleaned_data["held_on"],
                                              request=request)
        except ValidationError as problem:
            _errors_to_form(form, problem)
        else:
            pack, _created = services.meeting_pack_request(actor=user, meeting=meeting, request=request)
            return redirect("tasking:pack", pack.pk)
    meetings_shown = list(meetings_visible_to(user=user)[:50])
    latest = {}
    for pack in packs_visible_to(user=user).filter(meeting__in=meetings_shown):
        latest.setdefault(pack.meeting_id, pack)  # newest first
    return render(request, "tasking/meetings.html", {
        "form": form, "rows": [{"meeting": m, "pack": latest.get(m.pk)} for m in meetings_shown]})


@requires(COORDINATE_TASKING)
def pack_request(request, pk: int):
    """Ask for a meeting's PDF pack (POST): the worker prepares it; asking again while it is being
    prepared goes to the same one."""
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if request.method != "POST":
        return redirect("tasking:meetings")
    pack, _created = services.meeting_pack_request(actor=request.user, meeting=meeting, request=request)
    return redirect("tasking:pack", pack.pk)


@requires(COORDINATE_TASKING)
def pack(request, pk: int):
    """Where a pack is being prepared, is ready to download, or could not be prepared."""
    found = get_object_or_404(packs_visible_to(user=request.user), pk=pk)
    size = MeetingPack.objects.filter(pk=found.pk).values_list(Length("pdf"), flat=True).first() if (
        found.status == PackStatus.READY) else None
    return render(request, "tasking/pack.html", {"pack": found, "meeting": found.meeting, "size": size})


@requires(COORDINATE_TASKING)
def pack_download(request, pk: int):
    found = get_object_or_404(packs_visible_to(user=request.user).filter(status=PackStatus.READY).defer(None), pk=pk)
    meeting = found.meeting
    with transaction.atomic():
        audit(request, action=AuditAction.EXPORT, object_type="tasking.TaskingMeeting", object_refs=[meeting.pk],
              detail={"format": "pdf", "region": meeting.region_id or "national", "held_on": meeting.held_on,
                      "pack": found.pk, "prepared_at": found.finished_at, **found.contents})
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}.pdf"'
    return response


@requires(COORDINATE_TASKING)
def pack_download_xlsx(request, pk: int):
    with transaction.atomic():
        meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
        built = pack_build(user=request.user, region=meeting.region, held_on=meeting.held_on)
        audit(request, action=AuditAction.EXPORT, object_type="tasking.TaskingMeeting", object_refs=[meeting.pk],
              detail={"format": "xlsx", "region": meeting.region_id or "national", "held_on": meeting.held_on,
                      "lines": sorted({row["entity"] for row in built.top_lines + built.crossover
                                       + built.nominations}),
                      "taskings": sorted({row["reference"] for row in built.overdue + built.results})})
    response = HttpResponse(pack_xlsx(built),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{built.filename}.xlsx"'
    return response
