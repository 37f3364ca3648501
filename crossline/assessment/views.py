"""Priority pages: the national and regional lists, a force's own lines, a line's profile, and the
scoring model. Pages that name lines are personal data: they ask for a purpose and are audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, FloatField
from django.db.models.functions import Cast, Coalesce
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from crossline.accounts.decorators import step_up_required
from crossline.accounts.roles import (
    COORDINATE_TASKING,
    VIEW_NATIONAL_RETURNS,
    VIEW_PERSONAL_DATA,
    VIEW_RETURNS,
)
from crossline.assessment.exports import priority_csv, priority_xlsx
from crossline.assessment.forms import WEIGHT_GROUPS, ForceChoiceForm, PriorityFilterForm, ScoringModelForm
from crossline.assessment.scoring import explanation
from crossline.assessment.selectors import (
    active_scoring_model,
    latest_assessment,
    line_assessment_for,
    line_history,
    line_labels,
    line_profile,
    lines_held_elsewhere,
    priority_lines,
    scoring_models,
)
from crossline.assessment.services import may_change_scoring_model, scoring_model_create
from crossline.audit.decorators import personal_data_view
from crossline.audit.models import AuditAction
from crossline.core.permissions import requires
from crossline.linkage.selectors import forces_named
from crossline.linkage.views.common import audit
from crossline.organisations.models import OrganisationKind
from crossline.reference.models import PoliceForce, Region
from crossline.returns.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from crossline.returns.selectors import forces_visible_to

PAGE_SIZE = 50
ORDERINGS = {
    "score": ("-score", "entity_id"),
    "change": ("-rise", "-score", "entity_id"),
    "children": ("-children", "-score", "entity_id"),
    "forces": ("-forces", "-score", "entity_id"),
    "recent": ("days", "-score", "entity_id"),
}


def _organisation(user):
    return user.organisation if user.organisation_id else None


def _sorted(rows, sort: str):
    if sort == "change":
        rows = rows.annotate(rise=F("score") - Coalesce("previous_score", 0.0, output_field=FloatField()))
    elif sort == "children":
        rows = rows.annotate(children=Cast(F("facts__children"), FloatField()))
    elif sort == "forces":
        rows = rows.annotate(forces=Cast(F("facts__forces_reporting"), FloatField()))
    elif sort == "recent":
        rows = rows.annotate(days=Coalesce(Cast(F("facts__days_since_report"), FloatField()), 1e9))
    return rows.order_by(*ORDERINGS[sort])


def _list_form(request) -> PriorityFilterForm:
    data = request.GET.copy()
    organisation = _organisation(request.user)
    # A ROCU's co-ordinators start from their own region's list.
    if "region" not in data and organisation and organisation.kind == OrganisationKind.ROCU and organisation.region_id:
        data["region"] = organisation.region_id
    return PriorityFilterForm(data)


def _rows_for_page(rows, labels, named):
    shown = []
    for row in rows:
        facts = row.facts
        shown.append({
            "row": row, "label": labels.get(row.entity_id, f"Line {row.entity_id}"), "facts": facts,
            "reported_by": [named[code].name if code in named else code for code in row.reported_by],
            "change": None if row.previous_score is None else row.score - row.previous_score,
            "drivers": [part["words"] for part in row.contributions if part.get("points")][:3],
        })
    return shown


@requires(VIEW_PERSONAL_DATA, COORDINATE_TASKING)
@personal_data_view
def priorities(request):
    form = _list_form(request)
    filters = form.filters()
    rows = _sorted(priority_lines(user=request.user, **filters), form.chosen_sort())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = line_labels(user=request.user, entity_ids=[row.entity_id for row in page])
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="linkage.Entity",
              object_refs=[row.entity_id for row in page],
              detail={"list": "priority lines", "filters": {key: value for key, value in filters.items() if value},
                      "sort": form.chosen_sort(), "page": page.number, "results": page.paginator.count})
    region = Region.objects.filter(pk=filters.get("region_code")).first() if filters.get("region_code") else None
    return render(request, "assessment/priorities.html", {
        "form": form, "page": page, "rows": _rows_for_page(page, labels, forces_named()), "region": region,
        "assessment": latest_assessment(), "query": request.GET.urlencode(),
        "may_change_model": may_change_scoring_model(request.user),
    })


@requires(VIEW_PERSONAL_DATA, COORDINATE_TASKING)
@step_up_required
def priorities_export(request, form: str):
    if form not in ("csv", "xlsx"):
        raise Http404
    filter_form = _list_form(request)
    filters = filter_form.filters()
    rows = list(_sorted(priority_lines(user=request.user, **filters), filter_form.chosen_sort()))
    labels = line_labels(user=request.user, entity_ids=[row.entity_id for row in rows])
    with transaction.atomic():
        audit(request, action=AuditAction.EXPORT, object_type="linkage.Entity",
              object_refs=[row.entity_id for row in rows],
              detail={"list": "priority lines", "format": form, "results": len(rows),
                      "filters": {key: value for key, value in filters.items() if value}})
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    if form == "xlsx":
        response = HttpResponse(priority_xlsx(rows, labels), content_type=XLSX_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(priority_csv(rows, labels), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="crossline-priority-lines-{stamp}.{form}"'
    return response


def _chosen_force(request) -> PoliceForce | None:
    """A force's own people see their force; the national centre and ROCUs choose one they may read."""
    user = request.user
    organisation = _organisation(user)
    own = getattr(organisation, "police_force_id", None) if organisation else None
    if organisation and organisation.kind == OrganisationKind.POLICE_FORCE and own:
        return PoliceForce.objects.get(pk=own)
    code = request.GET.get("force", "")
    if not code:
        return None
    visible = forces_visible_to(user=user)
    if visible is not None and not visible.filter(pk=code).exists():
        raise Http404
    return get_object_or_404(PoliceForce, pk=code)


@requires(VIEW_PERSONAL_DATA, VIEW_RETURNS)
@personal_data_view
def force_lines(request):
    police_force = _chosen_force(request)
    if police_force is None:
        choices = forces_visible_to(user=request.user)
        form = ForceChoiceForm()
        if choices is not None:
            form.fields["force"].choices = [("", "Choose a force"), *choices.values_list("code", "name")]
        return render(request, "assessment/force_choose.html", {"form": form})
    form = PriorityFilterForm(request.GET)
    filters = form.filters()
    rows = _sorted(priority_lines(user=request.user, force_code=police_force.pk, band=filters.get("band")),
                   form.chosen_sort())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = line_labels(user=request.user, entity_ids=[row.entity_id for row in page])
    named = forces_named()
    held = [named.get(code) for code in lines_held_elsewhere(user=request.user, force_code=police_force.pk)]
    with transaction.atomic():
        audit(request, action=AuditAction.VIEW, object_type="linkage.Entity",
              object_refs=[row.entity_id for row in page],
              detail={"list": "lines touching a force", "force": police_force.pk, "page": page.number,
                      "results": page.paginator.count})
    return render(request, "assessment/force.html", {
        "police_force": police_force, "form": form, "page": page, "rows": _rows_for_page(page, labels, named),
        "held": held, "assessment": latest_assessment(),
        "may_choose": request.user.has_perm(VIEW_NATIONAL_RETURNS) or _organisation(request.user).kind
        == OrganisationKind.ROCU,
    })


def _taskings(user, entity_id: int):
    """The line's taskings the user may see, once the tasking app is installed."""
    try:
        from crossline.tasking.selectors import taskings_for_line
    except ImportError:
        return None
    return list(taskings_for_line(user=user, entity_id=entity_id))


@requires(VIEW_PERSONAL_DATA, VIEW_RETURNS)
@personal_data_view
def line(request, pk: int):
    with transaction.atomic():
        profile = line_profile(user=request.user, entity_id=pk)
        if profile is None:
            raise Http404
        audit(request, action=AuditAction.VIEW, object_type="linkage.Entity", object_refs=[pk],
              detail={"page": "line profile", "records": profile.record_ids,
                      "held_elsewhere": [police_force.pk for police_force, _count in profile.view.hidden]})
    assessed = line_assessment_for(user=request.user, entity_id=pk)
    history = list(line_history(entity_id=pk)[:50])
    context = {"entity": profile.view.entity, "profile": profile, "assessed": assessed, "history": history,
               "label": line_labels(user=request.user, entity_ids=[pk]).get(pk, f"Line {pk}"),
               "taskings": _taskings(request.user, pk), "hidden": profile.view.hidden,
               "may_task": request.user.has_perm(COORDINATE_TASKING)}
    if assessed is not None:
        model = assessed.assessment.scoring_model
        context["why"] = explanation(contributions=assessed.contributions, score=assessed.score, band=assessed.band,
                                     harm=assessed.harm, national=model.national_threshold,
                                     regional=model.regional_threshold)
        context["model"] = model
        context["standing"] = _standing(request.user, assessed)
        if assessed.network_id:
            others = [entity for entity in assessed.network.line_entity_ids if entity != pk]
            visible = set(priority_lines(user=request.user).filter(entity_id__in=others).values_list(
                "entity_id", flat=True))
            labels = line_labels(user=request.user, entity_ids=visible)
            context["network"] = {"assessment": assessed.network, "size": len(assessed.network.line_entity_ids),
                                  "lines": [(entity, labels.get(entity, f"Line {entity}")) for entity in others
                                            if entity in visible],
                                  "hidden": any(entity not in visible for entity in others)}
    return render(request, "assessment/line.html", context)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _standing(user, assessed) -> list[str]:
    """Where the line stands among the lines `user` may see, and (for a line exploiting a child)
    how many lines exploiting none it ranks above, larger ones among them."""
    visible = priority_lines(user=user)
    rank = visible.filter(score__gt=assessed.score).count() + 1
    sentences = [f"It ranks {_ordinal(rank)} of the {visible.count()} lines you may see."]
    if assessed.facts.get("children"):
        people = assessed.facts.get("people", 0)
        below = [facts for facts in visible.filter(score__lt=assessed.score).values_list("facts", flat=True)
                 if not facts.get("children")]
        if below:
            larger = sum(1 for facts in below if facts.get("people", 0) > people)
            sentence = f"It ranks above {len(below)} line{'s' if len(below) != 1 else ''} exploiting no child"
            if larger:
                sentence += f", {larger} of them with more people involved than its {people}"
            sentences.append(sentence + ".")
    return sentences


@requires(COORDINATE_TASKING)
def scoring(request):
    model = active_scoring_model()
    weights = model.weights if model else {}
    groups = [(title, [(label, weights.get(name)) for name, label in items]) for title, items in WEIGHT_GROUPS]
    return render(request, "assessment/scoring.html", {
        "model": model, "groups": groups, "versions": scoring_models()[:50],
        "may_change": may_change_scoring_model(request.user), "assessment": latest_assessment(),
    })


@requires(COORDINATE_TASKING)
def scoring_change(request):
    if not may_change_scoring_model(request.user):
        raise PermissionDenied
    current = active_scoring_model()
    initial = {}
    if current is not None:
        initial = {"national_threshold": current.national_threshold,
                   "regional_threshold": current.regional_threshold}
    form = ScoringModelForm(request.POST or None, initial=initial,
                            initial_weights=current.weights if current else None)
    if request.method == "POST" and form.is_valid():
        try:
            model = scoring_model_create(
                weights=form.weights(), national_threshold=form.cleaned_data["national_threshold"],
                regional_threshold=form.cleaned_data["regional_threshold"], reason=form.cleaned_data["reason"],
                created_by=request.user, request=request)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for message in problems:
                    form.add_error(field if field in form.fields else None, message)
        else:
            from crossline.assessment.tasks import assess_lines

            transaction.on_commit(lambda: assess_lines.enqueue(trigger="model_change"))
            messages.success(request, f"Scoring model v{model.version} is in use. Every line is being scored "
                                      f"again with it.")
            return redirect(reverse("assessment:scoring"))
    return render(request, "assessment/scoring_change.html", {"form": form, "model": current})
