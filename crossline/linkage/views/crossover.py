"""Crossover pages: the force by force matrix, a force's crossover, an entity, a line's network,
a force's feedback and the resolution runs. Pages that show records ask for a purpose and are
audited; the figures pages show counts only."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse

from crossline.accounts.decorators import step_up_required
from crossline.accounts.roles import REVIEW_MATCHES, VIEW_NATIONAL_RETURNS, VIEW_PERSONAL_DATA
from crossline.audit.decorators import personal_data_view
from crossline.audit.models import AuditAction
from crossline.core.permissions import requires
from crossline.linkage import crossover
from crossline.linkage.exports import feedback_pdf, feedback_xlsx
from crossline.linkage.feedback import feedback_report
from crossline.linkage.forms import MATRICES, AccessRequestForm, MatrixForm, UndoForm
from crossline.linkage.models import EntityLink, LinkHow
from crossline.linkage.selectors import (
    entities_visible_to,
    entity_view_for,
    forces_named,
    readable_forces,
    review_queue_for,
    runs_visible_to,
)
from crossline.linkage.views.common import audit, requires_crossover_figures
from crossline.reference.models import PoliceForce
from crossline.returns.exports import XLSX_CONTENT_TYPE

RECORD_FIELDS = {
    "person": (("forenames", "Forenames"), ("surname", "Surname"), ("aliases", "Street names"),
               ("date_of_birth", "Date of birth"), ("age_estimate", "Age (estimated)"), ("gender", "Gender"),
               ("pnc_id", "PNC id"), ("phone_numbers", "Phone numbers"), ("address", "Address"),
               ("postcode", "Postcode"), ("roles", "Roles"), ("vulnerable", "Vulnerable")),
    "line": (("line_name", "Line name"), ("deal_numbers", "Deal numbers"), ("exporting_force", "Exporting force"),
             ("importing_force_codes", "Importing forces"), ("status", "Status"),
             ("first_reported", "First reported"), ("last_reported", "Last reported")),
    "location": (("type", "Kind of place"), ("address", "Address"), ("postcode", "Postcode"), ("uprn", "UPRN")),
    "vehicle": (("vrm", "Registration"), ("make", "Make"), ("model", "Model"), ("colour", "Colour")),
}
RECORD_URLS = {"person": "returns:person", "line": "returns:line", "location": "returns:location",
               "vehicle": "returns:vehicle"}
HOW_WORDS = dict(LinkHow.choices)


def shown(value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"  # "6 June 2026", as every other page writes dates
    return str(value)


def record_rows(kind: str, record) -> list[dict]:
    """A record's fields as an analyst reads them: forces by name, never by their ONS codes."""
    return [{"label": label, "value": shown(_force_names(getattr(record, name)) if name == "importing_force_codes"
                                            else getattr(record, name))} for name, label in RECORD_FIELDS[kind]]


def _force_names(codes) -> list[str]:
    named = forces_named()
    return [named[code].force_name if code in named else code for code in codes]


@requires_crossover_figures
def home(request):
    user = request.user
    context = {"may_review": user.has_perm(REVIEW_MATCHES), "may_read": user.has_perm(VIEW_PERSONAL_DATA)}
    if context["may_review"]:
        context["waiting"] = review_queue_for(user=user).count()
        context["last_run"] = runs_visible_to(user=user).first()
    force = getattr(user.organisation, "police_force", None) if user.organisation_id else None
    context["force"] = force
    return render(request, "linkage/home.html", context)


@requires_crossover_figures
def matrix(request):
    form = MatrixForm(request.GET or None)
    show = form.cleaned_data.get("show") if form.is_valid() and form.cleaned_data.get("show") else "lines"
    forces, counts = crossover.matrix(show)
    named = forces_named()
    rows = [{"force": named.get(code), "code": code, "cells": [counts.get((code, other), 0) for other in forces]}
            for code in forces]
    return render(request, "linkage/matrix.html", {
        "form": form, "show": show, "title": dict(MATRICES)[show], "columns": [named.get(code) for code in forces],
        "rows": rows, "directional": show == "lines",
        "pairs": sorted(((named.get(left), named.get(right), count) for (left, right), count in counts.items()
                         if show == "lines" or left < right), key=lambda item: -item[2])[:50],
    })


@requires_crossover_figures
def force(request, code: str):
    police_force = get_object_or_404(PoliceForce, pk=code)
    named = forces_named()
    rows = [dict(row, force=named.get(row["force"])) for row in crossover.force_crossover(code)]
    readable = readable_forces(user=request.user)
    may_list = request.user.has_perm(VIEW_PERSONAL_DATA) and (readable is None or code in readable)
    return render(request, "linkage/force.html", {"police_force": police_force, "rows": rows, "may_list": may_list})


@requires(VIEW_PERSONAL_DATA)
@personal_data_view
def entity(request, pk: int):
    with transaction.atomic():
        view = entity_view_for(user=request.user, entity_id=pk)
        if view is None:
            raise Http404
        audit(request, action=AuditAction.VIEW, object_type="linkage.Entity", object_refs=[pk],
              detail={"kind": view.entity.kind, "records": [member.record_id for member, _ in view.records],
                      "held_elsewhere": [police_force.pk for police_force, _count in view.hidden]})
    kind = view.entity.kind
    readable = readable_forces(user=request.user)
    # Records shown by a holding force's approval are read here only: the return itself stays theirs.
    records = [{"member": member, "how": HOW_WORDS.get(member.how, member.how), "rows": record_rows(kind, record),
                "url": reverse(RECORD_URLS[kind], args=[record.pk])
                if readable is None or member.force_id in readable else None,
                "period": member.national_return.period_end} for member, record in view.records]
    visible_keys = {(member.force_id, member.ref) for member, _ in view.records}
    links = [link for link in EntityLink.objects.filter(entity=view.entity).select_related("left_force", "right_force")
             if (link.left_force_id, link.left_ref) in visible_keys and (link.right_force_id, link.right_ref)
             in visible_keys]
    pending = {request_.holding_force_id for request_ in view.requests if request_.status == "pending"}
    return render(request, "linkage/entity.html", {
        "entity": view.entity, "records": records, "hidden": view.hidden, "requests": view.requests,
        "pending": pending, "links": links, "how_words": HOW_WORDS, "undo_form": UndoForm(),
        "access_form": AccessRequestForm(), "may_review": request.user.has_perm(REVIEW_MATCHES),
        "forces": _force_names(view.entity.force_codes),
    })


@requires(VIEW_PERSONAL_DATA)
@personal_data_view
def network(request, pk: int):
    entity = entities_visible_to(user=request.user, kind="line").filter(pk=pk).first()
    if entity is None:
        raise Http404
    with transaction.atomic():
        graph = crossover.line_network(user=request.user, entity=entity)
        audit(request, action=AuditAction.VIEW, object_type="linkage.Entity", object_refs=[pk],
              detail={"network": True, "nodes": sorted(graph.nodes)})
    named = forces_named()
    nodes = sorted(graph.nodes.values(), key=lambda node: (node["kind"] != "line", node["kind"], node["label"]))
    for node in nodes:
        node["force_names"] = [named[code].name if code in named else code for code in node.get("forces", [])]
        node["url"] = reverse("linkage:entity", args=[node["entity"]])
    labels = {node["id"]: node["label"] for node in nodes}
    elements = {"nodes": [{"data": {"id": node["id"], "label": node["label"], "kind": node["kind"]}}
                          for node in nodes],
                "edges": [{"data": {"source": left, "target": right}} for left, right in sorted(graph.edges)]}
    return render(request, "linkage/network.html", {
        "entity": entity, "cytoscape_url": _cytoscape_url(), "nodes": nodes, "edges": [(labels[left], labels[right]) for left, right in sorted(graph.edges)],
        "elements": elements,
    })


def _cytoscape_url() -> str | None:
    """Cytoscape.js, if the front-end build has copied it in: the page works without it."""
    name = "vendor/cytoscape.min.js"
    if finders.find(name):
        return staticfiles_storage.url(name)
    try:  # collected for production: the manifest knows it, or raises
        return staticfiles_storage.url(name) if settings.PRODUCTION else None
    except ValueError:
        return None


def _feedback_force(request):
    user = request.user
    code = request.GET.get("force", "")
    own = getattr(user.organisation, "police_force_id", None) if user.organisation_id else None
    if code and (user.has_perm(VIEW_NATIONAL_RETURNS) or code == own):
        return get_object_or_404(PoliceForce, pk=code)
    if own:
        return PoliceForce.objects.get(pk=own)
    return None


FEEDBACK_ROWS_SHOWN = 200  # on the page; the files hold every entity


@requires(VIEW_PERSONAL_DATA, REVIEW_MATCHES)
@personal_data_view  # the force's own references to its nominals: a purpose first (LOG-01)
def feedback(request):
    police_force = _feedback_force(request)
    report = feedback_report(user=request.user, police_force=police_force, limit=FEEDBACK_ROWS_SHOWN) \
        if police_force else None
    if report is not None and report.feedback is not None:
        with transaction.atomic():
            audit(request, action=AuditAction.VIEW, object_type="linkage.ForceFeedback",
                  object_refs=[report.feedback.pk], detail={"force": police_force.pk, "refs": report.shows_refs})
    return render(request, "linkage/feedback.html", {
        "police_force": police_force, "report": report, "limit": FEEDBACK_ROWS_SHOWN,
        "forces": PoliceForce.objects.order_by("name") if request.user.has_perm(VIEW_NATIONAL_RETURNS) else None,
    })


@requires(VIEW_PERSONAL_DATA, REVIEW_MATCHES)
@personal_data_view
@step_up_required  # every entity's references in one file: a bulk export (SES-02)
def feedback_download(request, form: str):
    """The force's report as a spreadsheet or a PDF, with every entity; audited as an export."""
    if form not in ("xlsx", "pdf"):
        raise Http404
    police_force = _feedback_force(request)
    if police_force is None:
        raise Http404
    report = feedback_report(user=request.user, police_force=police_force)
    if report.feedback is None:
        raise Http404
    if form == "xlsx":
        content, content_type = feedback_xlsx(report), XLSX_CONTENT_TYPE
    else:
        content = feedback_pdf(render_to_string("linkage/feedback_pdf.html", {"report": report}))
        content_type = "application/pdf"
    with transaction.atomic():
        audit(request, action=AuditAction.EXPORT, object_type="linkage.ForceFeedback",
              object_refs=[report.feedback.pk],
              detail={"force": police_force.pk, "format": form, "refs": report.shows_refs,
                      "entities": sum(len(section.rows) for section in report.sections)})
    response = HttpResponse(content, content_type=content_type)
    stamp = report.feedback.created_at.date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="crossline-feedback-{police_force.pk}-{stamp}.{form}"'
    return response


@requires(REVIEW_MATCHES)
def runs(request):
    return render(request, "linkage/runs.html", {"runs": runs_visible_to(user=request.user)[:50]})


@requires(REVIEW_MATCHES)
def run(request, pk: int):
    link_run = get_object_or_404(runs_visible_to(user=request.user), pk=pk)
    readable = readable_forces(user=request.user)
    # A contradiction names references: shown only where the user may read every force in it.
    conflicts = [conflict for conflict in link_run.conflicts if readable is None or {
        key[0] for key in conflict["link"] + conflict["rejected"]} <= readable]
    kinds = [{"kind": kind, "records": counts.get("records", 0), "identities": counts.get("identities", 0),
              "entities": counts.get("entities", counts.get("entities_touched", 0)),
              "queued": (counts.get("candidates") or {}).get("opened", 0)}
             for kind, counts in link_run.counts.items() if isinstance(counts, dict) and "records" in counts]
    return render(request, "linkage/run.html", {"run": link_run, "models": link_run.models_used.all(),
                                                "conflicts": conflicts, "kinds": kinds})
