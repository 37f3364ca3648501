from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from crossline.accounts.decorators import step_up_required
from crossline.accounts.roles import SEARCH_AUDIT
from crossline.audit.exports import audit_events_csv
from crossline.audit.forms import AuditSearchForm, PurposeForm
from crossline.audit.models import AuditAction
from crossline.audit.selectors import (
    audit_event_check,
    audit_events_search,
    audit_events_visible_to,
    organisations_auditable_by,
    purpose_for,
)
from crossline.audit.services import audit_record, purpose_state
from crossline.core.permissions import requires

RESULTS_PER_PAGE = 50
AUDIT_OBJECT_TYPE = "audit.AuditEvent"


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


@requires()
def state_purpose(request):
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            purpose_state(request=request, code=form.cleaned_data["code"], text=form.cleaned_data["text"])
            return redirect(_safe_next(request, form.cleaned_data["next"]))
    else:
        code, text = purpose_for(request)
        form = PurposeForm(initial={"code": code, "text": text, "next": request.GET.get("next", "")})
    return render(request, "audit/state_purpose.html", {"form": form, "has_purpose": purpose_for(request)[0]})


def _search_form(request) -> AuditSearchForm:
    return AuditSearchForm(request.GET or None, organisations=organisations_auditable_by(user=request.user))


@requires(SEARCH_AUDIT)
def search(request):
    form = _search_form(request)
    page = None
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        with transaction.atomic():
            page = Paginator(audit_events_search(user=request.user, **filters), RESULTS_PER_PAGE).get_page(
                request.GET.get("page")
            )
            audit_record(
                action=AuditAction.AUDIT_SEARCH, object_type=AUDIT_OBJECT_TYPE, request=request,
                object_refs=[event.pk for event in page.object_list],
                detail={"filters": form.filters_for_audit() if form.is_bound else {}, "page": page.number,
                        "results": page.paginator.count},
            )
    return render(request, "audit/search.html", {"form": form, "page": page})


@requires(SEARCH_AUDIT)
def event(request, pk: int):
    with transaction.atomic():
        shown = get_object_or_404(audit_events_visible_to(user=request.user), pk=pk)
        check = audit_event_check(shown)
        audit_record(action=AuditAction.AUDIT_SEARCH, object_type=AUDIT_OBJECT_TYPE, object_refs=[shown.pk],
                     request=request, detail={"filters": {"id": str(shown.pk)}})
    return render(request, "audit/event.html", {"event": shown, "check": check})


@requires(SEARCH_AUDIT)
@step_up_required
def export(request):
    form = _search_form(request)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('audit:search')}?{request.GET.urlencode()}")
    filters = form.filters() if form.is_bound else {}
    events = audit_events_search(user=request.user, **filters)
    with transaction.atomic():
        audit_record(action=AuditAction.EXPORT, object_type=AUDIT_OBJECT_TYPE, request=request,
                     detail={"filters": form.filters_for_audit() if form.is_bound else {},
                             "format": "csv", "results": events.count()})
    response = StreamingHttpResponse(audit_events_csv(events.iterator(chunk_size=2000)),
                                     content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="crossline-audit-{stamp}.csv"'
    return response
