"""The tasking API for a force's or a co-ordinating unit's own systems.

    GET  /api/v1/tasking/taskings                       the organisation's taskings (tasking:respond)
    GET  /api/v1/tasking/taskings/<reference>           one, with its owners and history
    POST /api/v1/tasking/taskings/<reference>/answer    accept or decline (with a reason)
    POST /api/v1/tasking/taskings/<reference>/updates   post an update
    POST /api/v1/tasking/taskings/<reference>/completion  complete with outcomes
    GET  /api/v1/tasking/nominations                    nominations the client may see
    POST /api/v1/tasking/nominations                    nominate a line the force reports (tasking:respond)
    GET  /api/v1/tasking/nominations/<id>               one nomination, with its decision
    POST /api/v1/tasking/nominations/<id>/decision      agree or decline, with a reason (tasking:coordinate)

Bearer tokens only (machine clients), never sessions, so no CSRF exposure. Every view calls the
service or selector the pages call; errors are RFC 9457 problem details. A tasking or nomination
the client may not see is a 404, like one that does not exist.

Every POST needs an Idempotency-Key (crossline/core/idempotency.py), as returns and placements
do: the same key and body again answer as the first time did (the tasking or nomination as it is
now) and change nothing; the same key with another body, or for another tasking, is 422; one
still being handled, 409; no key, 400.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from crossline.accounts.roles import COORDINATE_TASKING, RESPOND_TO_TASKING
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.idempotency import (
    HEADER,
    IdempotencyConflict,
    RequestInFlight,
    in_flight,
    key_parameter,
    key_refusal,
    key_reused,
    request_fingerprint,
)
from crossline.core.idempotency import PROBLEM_TEXTS as KEY_PROBLEM_TEXTS
from crossline.core.problems import problem_responses
from crossline.linkage.models import Entity
from crossline.returns.api import MachineClientView, problem
from crossline.returns.serializers import ProblemSerializer
from crossline.tasking import services
from crossline.tasking.models import ClosureType, NominationKind
from crossline.tasking.selectors import nominations_visible_to, taskings_visible_to


# --- shapes -----------------------------------------------------------------------------------------
class OwnerOut(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.name")
    status = serializers.CharField()
    decline_reason = serializers.CharField()
    closure_type = serializers.CharField()
    arrests = serializers.IntegerField()
    charges = serializers.IntegerField()
    safeguarding_referrals = serializers.IntegerField()
    nrm_referrals = serializers.IntegerField()
    outcome_summary = serializers.CharField()


class EventOut(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    organisation = serializers.CharField(source="by_organisation.name", default="")
    text = serializers.CharField()


class TaskingOut(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    objective = serializers.CharField()
    priority = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField()
    instructions = serializers.CharField()
    set_by = serializers.CharField(source="tasking_organisation.name")
    lines = serializers.SerializerMethodField()
    owners = OwnerOut(many=True, source="owners.all")

    def get_lines(self, tasking) -> list[int]:
        return [line.pk for line in tasking.lines.all()]


class TaskingDetailOut(TaskingOut):
    history = EventOut(many=True, source="events.all")


class AnswerIn(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["accept", "decline"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class UpdateIn(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class CompletionIn(serializers.Serializer):
    closure_type = serializers.ChoiceField(choices=[value for value in ClosureType.values], allow_blank=True)
    arrests = serializers.IntegerField(min_value=0, max_value=100_000)
    charges = serializers.IntegerField(min_value=0, max_value=100_000)
    safeguarding_referrals = serializers.IntegerField(min_value=0, max_value=100_000)
    nrm_referrals = serializers.IntegerField(min_value=0, max_value=100_000)
    summary = serializers.CharField(max_length=4000)


class NominationOut(serializers.Serializer):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    force = serializers.CharField(source="organisation.name")
    kind = serializers.CharField()
    rationale = serializers.CharField()
    status = serializers.CharField()
    nominated_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by_organisation.name", default=None, allow_null=True)
    decision_reason = serializers.CharField()


class NominationIn(serializers.Serializer):
    line = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=NominationKind.values)
    rationale = serializers.CharField(max_length=4000)


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["agree", "decline"])
    reason = serializers.CharField(max_length=4000)


PROBLEM_TEXTS = {
    400: "A field is missing or wrong (`errors` names each), or the change is not allowed in this state.",
    401: "No token, or an unknown, expired or revoked one.",
    403: "The client's scopes do not allow this (tasking:respond or tasking:coordinate).",
    404: "No such tasking or nomination that the client's organisation may see.",
    429: "Too many requests: slow down (see Retry-After).",
}
PROBLEMS = {code: OpenApiResponse(ProblemSerializer, description=text) for code, text in PROBLEM_TEXTS.items()}
# What a POST may also answer, as problem+json: its key's refusals besides the rest.
CHANGE_PROBLEMS = problem_responses(ProblemSerializer, {
    **PROBLEM_TEXTS, 400: PROBLEM_TEXTS[400] + f" Or no {HEADER}, or a malformed one.", **KEY_PROBLEM_TEXTS})


def _once(request, *, operation: str, about, change):
    """Run `change` once for the request's Idempotency-Key: (the ApiRequest it made or found, None),
    or (None, the refusal to answer with)."""
    try:
        done, _replayed = services.api_request_once(
            actor=request.user, idempotency_key=request.headers[HEADER], operation=operation, request=request,
            fingerprint=request_fingerprint(operation, about, body=request.data), change=change)
        return done, None
    except IdempotencyConflict:
        return None, key_reused()
    except RequestInFlight:
        return None, in_flight()
    except (ValidationError, PermissionDenied) as error:
        return None, _refused(error)


def _invalid(errors) -> Response:
    return problem(400, "invalid", "The request has problems", "See `errors` for each field.", errors=errors)


def _refused(error: ValidationError | PermissionDenied) -> Response:
    if isinstance(error, PermissionDenied):
        return problem(403, "permission-denied", "Forbidden", str(error) or "Not allowed.")
    errors = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    return _invalid(errors)


class TaskingClientView(MachineClientView):
    parser_classes = [JSONParser]
    required_any = (RESPOND_TO_TASKING, COORDINATE_TASKING)

    def tasking(self, reference: str):
        tasking = taskings_visible_to(user=self.request.user).filter(reference=reference).first()
        if tasking is None:
            raise Http404
        return tasking


class TaskingListView(TaskingClientView):
    @extend_schema(operation_id="taskings_list", summary="The organisation's live taskings",
                   responses={200: TaskingOut(many=True), **{c: PROBLEMS[c] for c in (401, 403, 429)}},
                   tags=["tasking"])
    def get(self, request):
        taskings = list(taskings_visible_to(user=request.user).filter(status="live")[:500])
        audit_record(action=AuditAction.DISCLOSE, object_type="tasking.Tasking", actor=request.user, request=request,
                     object_refs=[t.reference for t in taskings], recipients=[request.user.organisation.name],
                     detail={"api": "taskings_list"})
        return Response(TaskingOut(taskings, many=True).data)


class TaskingDetailView(TaskingClientView):
    @extend_schema(operation_id="taskings_read", summary="One tasking, with its owners and history",
                   responses={200: TaskingDetailOut, **{c: PROBLEMS[c] for c in (401, 403, 404, 429)}},
                   tags=["tasking"])
    def get(self, request, reference: str):
        tasking = self.tasking(reference)
        audit_record(action=AuditAction.DISCLOSE, object_type="tasking.Tasking", actor=request.user, request=request,
                     object_refs=[tasking.pk, tasking.reference], recipients=[request.user.organisation.name],
                     detail={"api": "taskings_read"})
        return Response(TaskingDetailOut(tasking).data)


class _TaskingChange(TaskingClientView):
    required_any = (RESPOND_TO_TASKING,)
    serializer = serializers.Serializer
    operation = ""

    def post(self, request, reference: str):
        if (refusal := key_refusal(request.headers.get(HEADER))) is not None:
            return refusal
        tasking = self.tasking(reference)
        incoming = self.serializer(data=request.data)
        if not incoming.is_valid():
            return _invalid(incoming.errors)

        def change():
            self.change(tasking, incoming.validated_data)
            return tasking

        _done, refusal = _once(request, operation=self.operation, about=tasking.reference, change=change)
        if refusal is not None:
            return refusal
        return Response(TaskingDetailOut(self.tasking(reference)).data)


def _change_schema(operation_id: str, summary: str, request, what: str):
    return extend_schema(operation_id=operation_id, summary=summary, request=request,
                         parameters=[key_parameter(what)],
                         responses={200: TaskingDetailOut, **CHANGE_PROBLEMS},
                         tags=["tasking"])


class TaskingAnswerView(_TaskingChange):
    serializer = AnswerIn
    operation = "taskings_answer"

    @_change_schema(operation, "Accept or decline a tasking", AnswerIn, "answer")
    def post(self, request, reference: str):
        return super().post(request, reference)

    def change(self, tasking, data):
        services.tasking_respond(actor=self.request.user, tasking=tasking, accept=data["answer"] == "accept",
                                 reason=data["reason"], request=self.request)


class TaskingUpdateView(_TaskingChange):
    serializer = UpdateIn
    operation = "taskings_update"

    @_change_schema(operation, "Post an update on an accepted tasking", UpdateIn, "update")
    def post(self, request, reference: str):
        return super().post(request, reference)

    def change(self, tasking, data):
        services.tasking_update(actor=self.request.user, tasking=tasking, text=data["text"], request=self.request)


class TaskingCompletionView(_TaskingChange):
    serializer = CompletionIn
    operation = "taskings_complete"

    @_change_schema(operation, "Complete a tasking with its outcomes", CompletionIn, "completion")
    def post(self, request, reference: str):
        return super().post(request, reference)

    def change(self, tasking, data):
        services.tasking_complete(actor=self.request.user, tasking=tasking, request=self.request,
                                  outcomes=services.Outcomes(**data))


class NominationListView(TaskingClientView):
    @extend_schema(operation_id="nominations_list", summary="Nominations the client may see, newest first",
                   responses={200: NominationOut(many=True), **{c: PROBLEMS[c] for c in (401, 403, 429)}},
                   tags=["tasking"])
    def get(self, request):
        nominations = list(nominations_visible_to(user=request.user)[:500])
        audit_record(action=AuditAction.DISCLOSE, object_type="tasking.Nomination", actor=request.user,
                     request=request, object_refs=[n.pk for n in nominations],
                     recipients=[request.user.organisation.name], detail={"api": "nominations_list"})
        return Response(NominationOut(nominations, many=True).data)

    @extend_schema(operation_id="nominations_create", summary="Nominate a line as a local priority or for support",
                   request=NominationIn, parameters=[key_parameter("nomination")],
                   responses={201: NominationOut, **{key: value for key, value in CHANGE_PROBLEMS.items()
                                                     if key[0] != 404}},
                   tags=["tasking"])
    def post(self, request):
        if not request.user.has_perm(RESPOND_TO_TASKING):
            return problem(403, "permission-denied", "Forbidden", "Nominating needs the tasking:respond scope.")
        if (refusal := key_refusal(request.headers.get(HEADER))) is not None:
            return refusal
        incoming = NominationIn(data=request.data)
        if not incoming.is_valid():
            return _invalid(incoming.errors)
        data = incoming.validated_data
        done, refusal = _once(request, operation="nominations_create", about="", change=lambda: (
            services.nomination_create(actor=request.user, line=Entity.objects.filter(pk=data["line"]).first(),
                                       kind=data["kind"], rationale=data["rationale"], request=request)))
        if refusal is not None:
            return refusal
        nomination = nominations_visible_to(user=request.user).filter(pk=done.nomination_id).first()
        if nomination is None:  # no longer the client's to see: answered as any unseen nomination is
            raise Http404
        return Response(NominationOut(nomination).data, status=201)


class NominationClientView(TaskingClientView):
    def nomination(self, pk: int):
        found = nominations_visible_to(user=self.request.user).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found


class NominationDetailView(NominationClientView):
    @extend_schema(operation_id="nominations_read", summary="One nomination and its decision",
                   responses={200: NominationOut, **{c: PROBLEMS[c] for c in (401, 403, 404, 429)}},
                   tags=["tasking"])
    def get(self, request, pk: int):
        nomination = self.nomination(pk)
        audit_record(action=AuditAction.DISCLOSE, object_type="tasking.Nomination", actor=request.user,
                     request=request, object_refs=[nomination.pk], recipients=[request.user.organisation.name],
                     detail={"api": "nominations_read"})
        return Response(NominationOut(nomination).data)


class NominationDecisionView(NominationClientView):
    required_any = (COORDINATE_TASKING,)

    @extend_schema(operation_id="nominations_decide", summary="Agree or decline a nomination, with a reason",
                   request=DecisionIn, parameters=[key_parameter("decision")],
                   responses={200: NominationOut, **CHANGE_PROBLEMS}, tags=["tasking"])
    def post(self, request, pk: int):
        if (refusal := key_refusal(request.headers.get(HEADER))) is not None:
            return refusal
        nomination = self.nomination(pk)
        incoming = DecisionIn(data=request.data)
        if not incoming.is_valid():
            return _invalid(incoming.errors)
        _done, refusal = _once(request, operation="nominations_decide", about=nomination.pk, change=lambda: (
            services.nomination_decide(actor=request.user, nomination=nomination,
                                       agree=incoming.validated_data["decision"] == "agree",
                                       reason=incoming.validated_data["reason"], request=request)))
        if refusal is not None:
            return refusal
        return Response(NominationOut(self.nomination(nomination.pk)).data)
