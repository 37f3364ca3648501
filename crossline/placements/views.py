"""Placement notification pages. Every page that shows a child's details asks for the user's
purpose first (`personal_data_view`) and writes an audit record; another organisation's
notification is 404."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from crossline.accounts.roles import (
    ACKNOWLEDGE_PLACEMENT,
    CREATE_PLACEMENT,
    VIEW_AGGREGATES,
    VIEW_PERSONAL_DATA,
)
from crossline.audit.decorators import personal_data_view
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.permissions import requires
from crossline.organisations.models import OrganisationKind
from crossline.placements import conf, drafts, figures, questions, selectors, services
from crossline.placements.forms import (
    AcknowledgeForm,
    DeclineForm,
    EndForm,
    FiguresForm,
    MissingEpisodeForm,
    RouteForm,
    answers_from_notification,
    answers_from_post,
)
from crossline.placements.models import WHY_SENT, Status
from crossline.placements.outbox import OBJECT_TYPE
from crossline.placements.routing import force_organisation_for
from crossline.reference.lookups import forces


def _audit_view(request, notifications, **detail) -> None:
    with transaction.atomic():
        audit_record(action=AuditAction.VIEW, object_type=OBJECT_TYPE, request=request,
                     object_refs=[n.uuid for n in notifications], detail=detail or None)


def _visible(request, reference: str):
    return get_object_or_404(selectors.notifications_visible_to(user=request.user), reference=reference)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# --- Lists ------------------------------------------------------------------------------------
@requires(VIEW_PERSONAL_DATA)
@personal_data_view
def placement_list(request):
    if not (request.user.has_perm(CREATE_PLACEMENT) or request.user.has_perm(ACKNOWLEDGE_PLACEMENT)):
        raise PermissionDenied
    inbox = selectors.inbox_for(user=request.user)
    shown = [item.notification for item in (*inbox.to_acknowledge, *inbox.in_area, *inbox.triage, *inbox.duty_desk,
                                            *inbox.for_information)] + inbox.made
    # Drafts are listed by the child's name: which ones were shown is recorded, not just how many.
    _audit_view(request, shown, list="placement notifications", match_alerts=len(inbox.match_alerts),
                drafts=[str(draft.uuid) for draft in inbox.drafts])
    return render(request, "placements/list.html", {
        "inbox": inbox, "can_create": request.user.has_perm(CREATE_PLACEMENT),
        "allowed_time": conf.describe(conf.supervisors_after()),
    })


# --- Making a notification: question pages ----------------------------------------------------
@requires(CREATE_PLACEMENT)
def start(request):
    if request.method == "POST":
        draft = drafts.draft_start(user=request.user, request=request)
        return redirect("placements:question", draft=draft.uuid, section=questions.SECTIONS[0].slug)
    return render(request, "placements/start.html")


def _draft(request, draft):
    return get_object_or_404(selectors.drafts_visible_to(user=request.user), uuid=draft)


@requires(CREATE_PLACEMENT)
@personal_data_view
def question(request, draft, section):
    draft = _draft(request, draft)
    page = questions.BY_SLUG.get(section)
    pages = questions.sections_for(draft)
    if page is None or page not in pages:
        raise Http404("No such question page.")
    if request.method == "POST":
        drafts.draft_save(draft=draft, user=request.user, section=page.slug,
                          answers=answers_from_post(page.form_class, request.POST), request=request)
        if request.POST.get("action") == "draft":
            messages.success(request, "Your draft has been saved. Finish it from this page.")
            return redirect("placements:list")
        form = questions.form_for(draft, page, data=request.POST)
        if form.is_valid():
            return redirect(_after(draft, page, changing=bool(request.GET.get("change"))))
    else:
        # Saved answers come back as they were typed; mistakes are pointed out on "continue".
        form = questions.form_for(draft, page, as_typed=True)
        _audit_draft_view(request, draft, page.slug)
    previous = questions.previous_section(draft, page)
    return render(request, "placements/question.html", {
        "draft": draft, "page": page, "form": form, "pages": pages, "step": pages.index(page) + 1,
        "back_url": (reverse("placements:question", args=[draft.uuid, previous.slug]) if previous
                     else reverse("placements:list")),
        "forces_to_choose": questions.forces_to_choose(draft) if page.slug == "police-force" else [],
    })


def _audit_draft_view(request, draft, section: str) -> None:
    if draft.answers:
        with transaction.atomic():
            audit_record(action=AuditAction.VIEW, object_type=drafts.OBJECT_TYPE, object_refs=[draft.uuid],
                         request=request, detail={"section": section})


def _after(draft, page, *, changing: bool) -> str:
    draft.refresh_from_db(fields=["answers"])
    checked = questions.check_draft(draft)
    following = questions.next_section(draft, page)
    if changing or following is None:
        target = checked.incomplete[0] if checked.incomplete else None
        if target is None:
            return reverse("placements:check", args=[draft.uuid])
        return reverse("placements:question", args=[draft.uuid, target.slug]) + "?change=1"
    return reverse("placements:question", args=[draft.uuid, following.slug])


@requires(CREATE_PLACEMENT)
@personal_data_view
def check(request, draft):
    draft = _draft(request, draft)
    checked = questions.check_draft(draft)
    problems = []
    if request.method == "POST":
        if checked.details is None:
            problems = [(f"Complete the section: {section.title}", section.slug) for section in checked.incomplete]
        else:
            try:
                notification = drafts.draft_send(draft=draft, user=request.user, details=checked.details,
                                                 confirmed_host_force_code=checked.confirmed_host_force_code,
                                                 request=request)
            except ValidationError as error:
                located = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                problems = [(message, questions.SECTION_OF_FIELD.get(name, "placement"))
                            for name, messages_ in located.items() for message in messages_]
            else:
                return redirect("placements:confirmation", reference=notification.reference)
    else:
        _audit_draft_view(request, draft, "check")
    sections = [
        {"section": section, "complete": section not in checked.incomplete,
         "rows": questions.summary_rows(checked, section) if section not in checked.incomplete else []}
        for section in questions.sections_for(draft)
    ]
    return render(request, "placements/check.html", {
        "draft": draft, "sections": sections, "problems": problems, "complete": checked.details is not None,
        "completed": sum(1 for s in sections if s["complete"]),
        "first_incomplete": checked.incomplete[0] if checked.incomplete else None,
    }, status=400 if problems else 200)


@requires(CREATE_PLACEMENT)
@personal_data_view
def draft_delete(request, draft):
    draft = _draft(request, draft)
    if request.method == "POST":
        drafts.draft_discard(draft=draft, user=request.user, request=request)
        messages.success(request, "The draft has been deleted.")
        return redirect("placements:list")
    _audit_draft_view(request, draft, "delete")  # the page names the child
    return render(request, "placements/draft_delete.html", {"draft": draft})


@requires(CREATE_PLACEMENT)
@personal_data_view
def confirmation(request, reference):
    notification = _visible(request, reference)
    if notification.placing_council_id != request.user.organisation_id:
        raise Http404
    _audit_view(request, [notification], page="confirmation")  # where the child is placed
    deliveries = selectors.recipients_of(notification).exclude(purpose="crossmatch")
    told = sorted({d.recipient.name for d in deliveries if d.purpose in ("home_force", "host_council")})
    host_council_not_on_crossline = notification.timeline.filter(title__endswith="is not on Crossline").exists()
    return render(request, "placements/confirmation.html", {
        "notification": notification, "told": told, "allowed_time": conf.describe(conf.supervisors_after()),
        "host_council_not_on_crossline": host_council_not_on_crossline,
    })


# --- Reading one notification -----------------------------------------------------------------
@requires(VIEW_PERSONAL_DATA)
@personal_data_view
def detail(request, reference):
    notification = _visible(request, reference)
    user = request.user
    organisation_id = user.organisation_id
    services.inbox_items_mark_read(notification=notification, user=user)
    _audit_view(request, [notification])
    is_host = notification.host_force_organisation_id == organisation_id and user.has_perm(ACKNOWLEDGE_PLACEMENT)
    is_placer = notification.placing_council_id == organisation_id and user.has_perm(CREATE_PLACEMENT)
    is_triage = (user.organisation.kind == OrganisationKind.NATIONAL_CENTRE and user.has_perm(ACKNOWLEDGE_PLACEMENT)
                 and notification.status == Status.IN_TRIAGE)
    matches = selectors.matches_visible_to(user=user, notification=notification)
    deliveries = selectors.recipients_of(notification)
    if not user.organisation.is_law_enforcement:
        deliveries = deliveries.exclude(purpose="crossmatch")
    deliveries = list(deliveries)
    for delivery in deliveries:
        delivery.why = WHY_SENT[delivery.purpose]
    return render(request, "placements/detail.html", {
        "notification": notification,
        "acknowledgement": getattr(notification, "acknowledgement", None),
        "episodes": notification.missing_episodes.select_related("organisation"),
        "matches": list(matches) if matches is not None else None,
        "match_forces": sorted({m.force.force_name for m in matches}) if matches is not None else [],
        "timeline": selectors.timeline_visible_to(user=user, notification=notification),
        "deliveries": deliveries,
        "history": selectors.placement_history(user=user, notification=notification) if is_placer else None,
        "is_host": is_host, "is_placer": is_placer, "is_triage": is_triage,
        "overdue": notification.status == Status.AWAITING_ACKNOWLEDGEMENT and notification.routed_at
        and timezone.now() - notification.routed_at > conf.supervisors_after(),
        "sections": questions.notification_sections(notification),
        "allowed_time": conf.describe(conf.supervisors_after()),
    })


# --- The host force ---------------------------------------------------------------------------
def _as_host(request, reference):
    notification = _visible(request, reference)
    if notification.host_force_organisation_id != request.user.organisation_id:
        raise Http404
    return notification


@requires(ACKNOWLEDGE_PLACEMENT)
@personal_data_view
def acknowledge(request, reference):
    notification = _as_host(request, reference)
    if notification.status != Status.AWAITING_ACKNOWLEDGEMENT:
        messages.info(request, "This notification does not need acknowledging.")
        return redirect("placements:detail", reference=reference)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_acknowledge(notification=notification, user=request.user, request=request,
                                           **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{notification.reference} is acknowledged. The placing council can see it.")
            return redirect("placements:detail", reference=reference)
    _audit_view(request, [notification], page="acknowledge")  # the page names the child
    return render(request, "placements/acknowledge.html", {"notification": notification, "form": form})


@requires(ACKNOWLEDGE_PLACEMENT)
@personal_data_view
def decline(request, reference):
    notification = _as_host(request, reference)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_decline(notification=notification, user=request.user, request=request,
                                       reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{notification.reference} has gone to the national triage desk.")
            return redirect("placements:list")
    _audit_view(request, [notification], page="decline")
    return render(request, "placements/decline.html", {"notification": notification, "form": form})


@requires(ACKNOWLEDGE_PLACEMENT)
@personal_data_view
def missing(request, reference):
    notification = _as_host(request, reference)
    form = MissingEpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_missing_record(
                notification=notification, user=request.user, request=request,
                went_missing_at=form.moment(data["went_missing_on"], data["went_missing_time"]),
                returned_at=form.moment(data.get("returned_on"), data.get("returned_time")),
                police_reference=data["police_reference"], circumstances=data["circumstances"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The missing episode is recorded.")
            return redirect("placements:detail", reference=reference)
    _audit_view(request, [notification], page="missing episode")
    return render(request, "placements/missing.html", {"notification": notification, "form": form})


# --- The placing council ----------------------------------------------------------------------
def _as_placer(request, reference):
    notification = _visible(request, reference)
    if notification.placing_council_id != request.user.organisation_id:
        raise Http404
    return notification


@requires(CREATE_PLACEMENT)
@personal_data_view
def end(request, reference):
    notification = _as_placer(request, reference)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(notification=notification, user=request.user, request=request,
                                   ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The placement is recorded as ended. The police have been told.")
            return redirect("placements:detail", reference=reference)
    _audit_view(request, [notification], page="end")
    return render(request, "placements/end.html", {"notification": notification, "form": form})


@requires(CREATE_PLACEMENT)
@require_POST
def move(request, reference):
    notification = _as_placer(request, reference)
    if not notification.is_open:
        raise Http404
    draft = drafts.draft_start(user=request.user, moved_from=notification, request=request,
                               answers=answers_from_notification(notification))
    messages.info(request, "We have copied the child's details. Tell us about the new placement.")
    return redirect("placements:question", draft=draft.uuid, section="placement")


# --- The national triage desk -----------------------------------------------------------------
@requires(ACKNOWLEDGE_PLACEMENT)
@personal_data_view
def route(request, reference):
    notification = _visible(request, reference)
    if request.user.organisation.kind != OrganisationKind.NATIONAL_CENTRE or notification.status != Status.IN_TRIAGE:
        raise Http404
    choices = [force for force in forces() if force.is_territorial and force_organisation_for(force) is not None]
    form = RouteForm(request.POST or None, forces=choices)
    if request.method == "POST" and form.is_valid():
        force = next(force for force in choices if force.code == form.cleaned_data["force"])
        try:
            services.placement_route(notification=notification, user=request.user, force=force,
                                     note=form.cleaned_data["note"], request=request)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{notification.reference} has been sent to {force.force_name}.")
            return redirect("placements:list")
    _audit_view(request, [notification], page="route")  # the child's name and placement address
    return render(request, "placements/route.html", {"notification": notification, "form": form})


# --- Match alerts and figures -----------------------------------------------------------------
@requires(ACKNOWLEDGE_PLACEMENT)
@personal_data_view
def match_alert(request, pk):
    alert = get_object_or_404(selectors.match_alerts_for(user=request.user), pk=pk)
    records = list(selectors.match_records_for(user=request.user, alert=alert))
    with transaction.atomic():
        if alert.read_at is None:
            type(alert).objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=timezone.now())
        audit_record(action=AuditAction.VIEW, object_type="placements.MatchAlert", request=request,
                     object_refs=[alert.notification.uuid, *[f"returns.Person:{r.person_id}" for r in records]])
    return render(request, "placements/match_alert.html", {"alert": alert, "records": records})


@requires(VIEW_AGGREGATES)
def oversight(request):
    form = FiguresForm(request.GET or None)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or 90
    now = timezone.now()
    since = now - timedelta(days=days)
    return render(request, "placements/figures.html", {
        "form": form, "days": days, "forces": figures.force_figures(since=since, now=now),
        "councils": figures.council_figures(since=since),
    })
