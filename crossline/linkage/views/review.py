"""Analysts' work on crossover: the review queue and its decisions, undoing a merge, the exclusion
list, and access requests between forces. Every write goes through services.py, audited."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from crossline.accounts.roles import REVIEW_MATCHES, VIEW_PERSONAL_DATA
from crossline.audit.decorators import personal_data_view
from crossline.audit.models import AuditAction
from crossline.core.permissions import requires
from crossline.linkage.forms import (
    AccessDecisionForm,
    AccessRequestForm,
    DecisionForm,
    ExclusionForm,
    QueueFilterForm,
    UndoForm,
)
from crossline.linkage.models import AccessRequest, CandidatePair, EntityLink, ExcludedValue, PairStatus
from crossline.linkage.selectors import (
    access_requests_to_decide,
    entities_visible_to,
    pair_records,
    readable_forces,
    review_queue_for,
)
from crossline.linkage.services import (
    access_request_create,
    access_request_decide,
    excluded_value_add,
    excluded_value_remove,
    match_decide,
    merge_undo,
)
from crossline.linkage.views.common import audit
from crossline.linkage.views.crossover import record_rows

PAIRS_PER_PAGE = 25


def _errors_into(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        for message in error.messages:
            form.add_error(None, message)


@requires(REVIEW_MATCHES)
def queue(request):
    form = QueueFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind") if form.is_valid() else ""
    status = PairStatus.UNSURE if request.GET.get("status") == "unsure" else PairStatus.OPEN
    pairs = review_queue_for(user=request.user, status=status, kind=kind or None)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "linkage/queue.html", {"form": form, "page": page, "status": status})


def _side(kind: str, records: list) -> dict:
    latest = records[0] if records else None
    return {"records": records, "latest": latest,
            "rows": record_rows(kind, latest) if latest else []}


@requires(REVIEW_MATCHES, VIEW_PERSONAL_DATA)
@personal_data_view
def pair(request, pk: int):
    candidate = get_object_or_404(_reviewable(request.user), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            match_decide(pair=candidate, decision=form.cleaned_data["decision"], user=request.user,
                         note=form.cleaned_data["note"], request=request)
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, "Decision recorded.")
            following = review_queue_for(user=request.user).exclude(pk=candidate.pk).first()
            return redirect("linkage:pair", following.pk) if following else redirect("linkage:queue")
    with transaction.atomic():
        left, right = pair_records(candidate)
        audit(request, action=AuditAction.VIEW, object_type="linkage.CandidatePair", object_refs=[candidate.pk],
              detail={"records": [record.pk for record in left + right], "kind": candidate.kind})
    left_side, right_side = _side(candidate.kind, left), _side(candidate.kind, right)
    rows = [{"label": a["label"], "left": a["value"], "right": b["value"], "same": a["value"] == b["value"]}
            for a, b in zip(left_side["rows"], right_side["rows"], strict=False)]
    return render(request, "linkage/pair.html", {"pair": candidate, "form": form, "left": left_side,
                                                 "right": right_side, "rows": rows})


def _reviewable(user):
    """Any pair (open or decided) whose two sides the user may read."""
    forces = readable_forces(user=user)
    pairs = CandidatePair.objects.select_related("left_force", "right_force")
    if forces is not None:
        pairs = pairs.filter(left_force__in=forces, right_force__in=forces)
    return pairs


@require_POST
@requires(REVIEW_MATCHES, VIEW_PERSONAL_DATA)
def undo(request, pk: int):
    link = get_object_or_404(EntityLink.objects.select_related("entity"), pk=pk)
    if not entities_visible_to(user=request.user).filter(pk=link.entity_id).exists():
        raise Http404
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the link is wrong before undoing it.")
        return redirect("linkage:entity", link.entity_id)
    try:
        kept, restored = merge_undo(link=link, user=request.user, note=form.cleaned_data["note"], request=request)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, f"Link undone: the records are now two entities, {kept.pk} and {restored.pk}.")
    return redirect("linkage:entity", kept.pk)


@requires(REVIEW_MATCHES)
def exclusions(request):
    form = ExclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            excluded_value_add(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, "Added to the exclusion list. It applies from the next run.")
            return redirect("linkage:exclusions")
    return render(request, "linkage/exclusions.html", {
        "form": form, "excluded": ExcludedValue.objects.select_related("added_by")})


@require_POST
@requires(REVIEW_MATCHES)
def exclusion_remove(request, pk: int):
    excluded_value_remove(excluded=get_object_or_404(ExcludedValue, pk=pk), user=request.user, request=request)
    messages.success(request, "Removed from the exclusion list. It applies from the next run.")
    return redirect("linkage:exclusions")


@require_POST
@requires(VIEW_PERSONAL_DATA)
def access_request(request, pk: int, code: str):
    entity = entities_visible_to(user=request.user).filter(pk=pk).first()
    if entity is None:
        raise Http404
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        try:
            access_request_create(entity=entity, holding_force_code=code, user=request.user, request=request,
                                  **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Request sent. The holding force will decide.")
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect("linkage:entity", pk)


@requires(VIEW_PERSONAL_DATA)
def access_requests(request):
    return render(request, "linkage/access_requests.html", {
        "to_decide": access_requests_to_decide(user=request.user).exclude(requested_by=request.user),
        "mine": AccessRequest.objects.filter(requested_by=request.user).select_related("holding_force")[:100],
    })


@requires(REVIEW_MATCHES)
def access_decide(request, pk: int):
    access = get_object_or_404(access_requests_to_decide(user=request.user).exclude(requested_by=request.user),
                               pk=pk)
    form = AccessDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_request_decide(access=access, approve=form.cleaned_data["approve"], user=request.user,
                                  note=form.cleaned_data["note"], request=request)
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("linkage:access_requests")
    return render(request, "linkage/access_decide.html", {"access": access, "form": form,
                                                          "access_days": settings.LINKAGE_ACCESS_DAYS})
