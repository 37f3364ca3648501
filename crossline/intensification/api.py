"""The intensification API for a force's machine client (scope intensification:submit).

    GET  /api/v1/intensification/weeks                    the weeks, newest first
    POST /api/v1/intensification/weeks/<id>/results       a force's results (Idempotency-Key required)

The body is one JSON object: `force` (the ONS code; needed only by a ROCU, which may send for the
forces of its region) and the figures by the names the upload template uses. It goes through
`results_submit`, the service the web form calls: every error comes back at once, each naming
its field, and nothing is stored unless there are none. Errors are RFC 9457 problem details.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from crossline.accounts.api_auth import MachineClientAuthentication
from crossline.accounts.roles import SUBMIT_INTENSIFICATION_RESULTS
from crossline.core.idempotency import KEY_MAX
from crossline.core.problems import ProblemDetailsView, ProblemSerializer, problem, problem_responses
from crossline.intensification.figures import BY_KEY, COUNT, FIGURES
from crossline.intensification.models import IntensificationWeek
from crossline.intensification.selectors import forces_submittable_for_week
from crossline.intensification.services import IdempotencyConflict, results_submit
from crossline.intensification.validate import Raw


class MaySubmit(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(SUBMIT_INTENSIFICATION_RESULTS))


# A week's results are some thirty numbers, well under 2 KB; a bigger body is refused before it
# is read (API-02), so that no client can make the service parse megabytes of JSON.
MAX_BODY_BYTES = 64 * 1024



class _View(ProblemDetailsView):
    authentication_classes = [MachineClientAuthentication]
    permission_classes = [MaySubmit]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "machine-client"
    max_body_bytes = MAX_BODY_BYTES
    body_limit_reason = "a week's results are far smaller."


class WeekSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntensificationWeek
        fields = ["id", "name", "starts_on", "ends_on", "results_due_on", "focus"]
        read_only_fields = fields


def _figure_field(figure):
    if figure.kind == COUNT:
        return serializers.IntegerField(min_value=0, required=figure.required, help_text=figure.label)
    return serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0, required=figure.required,
                                    help_text=figure.label + (" in grams" if figure.drug else " in pounds"))


ResultsDocumentSerializer = type("ResultsDocumentSerializer", (serializers.Serializer,), {
    "force": serializers.CharField(required=False, help_text="ONS police force area code; only a ROCU needs it."),
    **{figure.key: _figure_field(figure) for figure in FIGURES},
})


class ProblemItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField()
    value = serializers.CharField()


class ResultsProblemSerializer(ProblemSerializer):
    errors = ProblemItemSerializer(many=True, required=False)


class StoredResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    week = serializers.IntegerField()
    force = serializers.CharField()
    version = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False when the figures were the same as the current version.")
    warnings = ProblemItemSerializer(many=True)


TEXTS = {400: "No Idempotency-Key, a body that is not a JSON object, or results with errors (see `errors`).",
         401: "No token, or an unknown, expired or revoked one.",
         403: "The client may not send results (it needs intensification:submit), or not for this force.",
         404: "No such week.", 413: "The body is larger than 64 KB.",
         422: "This Idempotency-Key was already used with different results.",
         429: "Too many requests: slow down (see Retry-After)."}


class WeeksView(_View):
    @extend_schema(operation_id="intensification_weeks", summary="Intensification weeks",
                   responses={200: WeekSerializer(many=True), **problem_responses(ProblemSerializer, {
                       k: TEXTS[k] for k in (401, 403, 429)})}, tags=["intensification"])
    def get(self, request):
        return Response(WeekSerializer(IntensificationWeek.objects.order_by("-starts_on")[:100], many=True).data)


class ResultsSubmitView(_View):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="intensification_results_submit", summary="Send a force's results for a week",
        description="Checked whole, as the web form is: every error at once, nothing stored unless there are none. "
                    "Drug weights left out count as none seized. The same figures as the current version store "
                    "nothing new (`created` false); different ones become the next version.",
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description=f"A unique key per set of results sent, 1 to {KEY_MAX} "
                                                 "printable characters.")],
        request=ResultsDocumentSerializer,
        responses={201: StoredResultsSerializer, 200: StoredResultsSerializer,
                   **problem_responses(ResultsProblemSerializer, TEXTS)},
        tags=["intensification"])
    def post(self, request, pk: int):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return problem(400, "idempotency-key-missing", "Idempotency-Key required",
                           "Send an Idempotency-Key header (a new UUID for each set of results) so that a retry "
                           "is safe.")
        week = get_object_or_404(IntensificationWeek, pk=pk)
        body = request.data
        if not isinstance(body, dict):
            return problem(400, "not-an-object", "Not a JSON object", "Send the results as one JSON object.")
        client = request.user
        forces = list(forces_submittable_for_week(user=client))
        code = str(body.get("force") or "").strip().upper()
        if not code and len(forces) == 1:
            code = forces[0].pk
        force = next((f for f in forces if f.pk == code), None)
        if force is None:
            if not code:
                return problem(400, "force-missing", "Force required", "Say which force these results are for "
                               "(`force`, its ONS code).", errors=[_item("force", "Say which force", "required")])
            return problem(403, "not-your-force", "Forbidden", f"{client.organisation.name} may not send results "
                           f"for force ‘{code[:20]}’.")
        unknown = [name for name in body if name not in BY_KEY and name != "force"]
        problems = [_item(name, f"‘{name[:40]}’ is not one of the figures. Use the names in the results template",
                          "unknown_field") for name in unknown]
        raw = {key_: Raw(value) for key_, value in body.items() if key_ in BY_KEY}
        if problems:
            return problem(400, "invalid-results", "The results have errors", f"{len(problems)} error(s); nothing "
                           "was stored.", errors=problems)
        try:
            outcome = results_submit(week=week, force=force, raw=raw, through="api", actor=client,
                                     idempotency_key=key, request=request)
        except ValidationError as error:
            return problem(400, "idempotency-key-malformed", "Malformed Idempotency-Key", " ".join(error.messages))
        except IdempotencyConflict:
            return problem(422, "idempotency-key-reused", "Idempotency-Key already used",
                           "This Idempotency-Key was already used for different results. Use a new key.")
        except PermissionDenied as refusal:
            return problem(403, "permission-denied", "Forbidden", str(refusal))
        if not outcome.ok:
            return problem(400, "invalid-results", "The results have errors",
                           f"{len(outcome.errors)} error(s); nothing was stored.",
                           errors=[_item(p.field, p.message, p.code, p.value) for p in outcome.errors])
        result = outcome.result
        body = {"id": result.pk, "week": week.pk, "force": force.pk, "version": result.version,
                "created": outcome.created or outcome.replayed,  # a replay finds only what this key created
                "warnings": [_item(w.field, w.message, w.code) for w in outcome.warnings]}
        return Response(body, status=status.HTTP_201_CREATED if body["created"] else status.HTTP_200_OK)


def _item(field, message, code, value="") -> dict:
    return {"field": field, "message": message, "code": code, "value": value}
