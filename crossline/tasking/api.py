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
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from crossline.accounts.roles import COORDINATE_TASKING, RESPOND_TO_TASKING
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
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


PROBLEMS = {code: OpenApiResponse(ProblemSerializer, description=text) for code, text in {
    400: "A field is missing or wrong (`errors` names each), or the change is not allowed in this state.",
    401: "No token, or an unknown, expired or revoked one.",
    403: "The client's scopes do not allow this (tasking:respond or tasking:coordinate).",
    404: "No such tasking or nomination that the client's organisation may see.",
    429: "Too many requests: slow down (see Retry-After).",
}.items()}


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

    def post(self, request, reference: str):
        tasking = self.tasking(reference)
        incoming = self.serializer(data=request.data)
        if not incoming.is_valid():
            return _invalid(incoming.errors)
        try:
            self.change(tasking, incoming.validated_data)
        except (ValidationError, PermissionDenied) as error:
            return _refused(error)
        return Response(TaskingDetailOut(self.tasking(reference)).data)


class TaskingAnswerView(_TaskingChange):
    serializer = AnswerIn

    @extend_schema(operation_id="taskings_answer", summary="Accept or decline a tasking", request=AnswerIn,
                   responses={200: TaskingDetailOut, **{c: PROBLEMS[c] for c in (400, 401, 403, 404, 429)}},
                   tags=["tasking"])
    def post(self, request, reference: str):
        return super().post(request, reference)

    def change(self, tasking, data):
        services.tasking_respond(actor=self.request.user, tasking=tasking, accept=data["answer"] == "accept",
                                 reason=data["reason"], request=self.request)


class TaskingUpdateView(_TaskingChange):
    serializer = UpdateIn

    @extend_schema(operation_id="taskings_update", summary="Post an update on an accepted tasking",
                   request=UpdateIn,
                   responses={200: TaskingDetailOut, **{c: PROBLEMS[c] for c in (400, 401, 403, 404, 429)}},
                   tags=["tasking"])
    def post(self, request, reference: str):
        return super().post(request, reference)

    def change(self, tasking, data):
        services.tasking_update(actor=self.request.user, tasking=tasking, text=data["text"], request=self.request)


class TaskingCompletionView(_TaskingChange):
    serializer = CompletionIn

    @extend_schema(operation_id="taskings_complete", summary="Complete a tasking with its outcomes",
                   request=CompletionIn,
                   responses={200: TaskingDetailOut, **{c: PROBLEMS[c] for c in (400, 401, 403, 404, 429)}},
                   tags=["tasking"])
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
                   request=NominationIn,
                   responses={201: NominationOut, **{c: PROBLEMS[c] for c in (400, 401, 403, 429)}},
                   tags=["tasking"])
    def post(self, request):
        if not request.user.has_perm(RESPOND_TO_TASKING):
            return problem(403, "permission-denied", "Forbidden", "Nominating needs the tasking:respond scope.")
        incoming = NominationIn(data=request.data)
        if not incoming.is_valid():
            return _invalid(incoming.errors)
        data = incoming.validated_data
        try:
            nomination = services.nomination_create(
                actor=request.user, line=Entity.objects.filter(pk=data["line"]).first(), kind=data["kind"],
                rationale=data["rationale"], request=request)
        except (ValidationError, PermissionDenied) as error:
            return _refused(error)
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
                   request=DecisionIn,
                   responses={200: NominationOut, **{c: PROBLEMS[c] for c in (400, 401, 403, 404, 429)}},
                   tags=["tasking"])
    def post(self, request, pk: int):
        nomination = self.nomination(pk)
        incoming = DecisionIn(data=request.data)
        if not incoming.is_valid():
            return _invalid(incoming.errors)
        try:
            with transaction.atomic():
                decided = services.nomination_decide(actor=request.user, nomination=nomination,
                                                     agree=incoming.validated_data["decision"] == "agree",
                                                     reason=incoming.validated_data["reason"], request=request)
        except (ValidationError, PermissionDenied) as error:
            return _refused(error)
        return Response(NominationOut(self.nomination(decided.pk)).data)
