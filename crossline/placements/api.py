"""The placements API for a council's case system.

    POST /api/v1/placements/             make a notification (Idempotency-Key required)
    GET  /api/v1/placements/<reference>  what became of one of the council's notifications

Bearer tokens only (machine clients with the placements:write scope, which only councils can
hold); no sessions, so no CSRF exposure. The view calls the service the question pages call.
Errors are RFC 9457 problem details (application/problem+json).
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from crossline.accounts.api_auth import MachineClientAuthentication
from crossline.accounts.roles import CREATE_PLACEMENT
from crossline.audit.models import AuditAction
from crossline.audit.services import audit_record
from crossline.core.idempotency import KEY_MAX
from crossline.core.problems import ProblemDetailsView, problem, problem_responses
from crossline.placements.models import PlacementNotification
from crossline.placements.outbox import OBJECT_TYPE
from crossline.placements.serializers import (
    FIELD_PATHS,
    NotificationIn,
    NotificationOut,
    ProblemOut,
    flatten_errors,
)
from crossline.placements.services import (
    IdempotencyConflict,
    NotificationInFlight,
    placement_notify_once,
)


class MakesPlacements(BasePermission):
    def has_permission(self, request, view) -> bool:
        client = request.user
        return bool(client and client.is_authenticated and client.has_perm(CREATE_PLACEMENT))


# The largest notification the serializer accepts is about 43,000 characters; escaped as JSON
# (\uXXXX) that stays well under this. A bigger body is refused before it is read (API-02).
MAX_BODY_BYTES = 256 * 1024



class CouncilClientView(ProblemDetailsView):
    authentication_classes = [MachineClientAuthentication]
    permission_classes = [MakesPlacements]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "machine-client"
    parser_classes = [JSONParser]
    max_body_bytes = MAX_BODY_BYTES
    body_limit_reason = "a notification is far smaller."


PROBLEM_TEXTS = {
    400: "No Idempotency-Key, or a notification with fields missing or wrong (`errors` names each).",
    401: "No token, or an unknown, expired or revoked one.",
    403: "The client may not make placement notifications (it needs the placements:write scope, for a council).",
    404: "No such notification made by the client's council.",
    409: "A request with this Idempotency-Key is still being handled: try again shortly (see Retry-After).",
    413: "The body is larger than 256 KB.",
    422: "This Idempotency-Key was already used with a different body.",
    429: "Too many requests: slow down (see Retry-After).",
}


def _problems(*codes: int) -> dict:
    return problem_responses(ProblemOut, {code: PROBLEM_TEXTS[code] for code in codes})


def fingerprint(data) -> str:
    """What makes two requests "the same body": the JSON, whatever its key order or spacing."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class PlacementCreateView(CouncilClientView):
    @extend_schema(
        operation_id="placements_create",
        summary="Notify the police of a placement",
        description=(
            "The council's notification that it has placed a child at risk of exploitation. Crossline routes it "
            "to the police force covering the placement postcode (or the national triage desk when that cannot "
            "be told), the child's home force and the host council, and checks the child against national "
            "returns. The same Idempotency-Key with the same body gets the first answer again (200); with a "
            "different body, 422."),
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description=f"A unique key per notification, 1 to {KEY_MAX} "
                                                 "printable characters (a UUID is ideal).")],
        request=NotificationIn,
        responses={201: NotificationOut, 200: OpenApiResponse(NotificationOut, description="A replay."),
                   **_problems(400, 401, 403, 409, 413, 422, 429)},
        tags=["placements"],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return problem(400, "idempotency-key-missing", "Idempotency-Key required",
                           "Send an Idempotency-Key header (a new UUID for each notification) so that a retry is safe.")
        if not isinstance(request.data, dict):
            return problem(400, "invalid", "Invalid notification", "Send the notification as a JSON object.")
        incoming = NotificationIn(data=request.data)
        if not incoming.is_valid():
            return problem(400, "invalid", "Invalid notification", "Some fields are missing or wrong.",
                           errors=flatten_errors(incoming.errors))
        moved_from = None
        if incoming.validated_data["moved_from"]:
            moved_from = PlacementNotification.objects.filter(
                placing_council=request.user.organisation, reference=incoming.validated_data["moved_from"]).first()
            if moved_from is None:
                return problem(400, "invalid", "Invalid notification", "Some fields are missing or wrong.",
                               errors={"moved_from": ["No notification of your council has this reference."]})
        try:
            notification, created = placement_notify_once(
                idempotency_key=key, request_fingerprint=fingerprint(request.data), actor=request.user,
                request=request, details=incoming.details(), moved_from=moved_from,
                confirmed_host_force_code=incoming.validated_data["placement"]["host_force_code"] or None)
        except ValidationError as error:
            if "idempotency_key" in getattr(error, "message_dict", {}):
                return problem(400, "idempotency-key-malformed", "Malformed Idempotency-Key", " ".join(error.messages))
            errors = ({FIELD_PATHS.get(name, name): list(messages) for name, messages in error.message_dict.items()}
                      if hasattr(error, "error_dict") else {"body": error.messages})
            return problem(400, "invalid", "Invalid notification", "Some fields are missing or wrong.", errors=errors)
        except IdempotencyConflict:
            return problem(422, "idempotency-key-reused", "Idempotency-Key already used",
                           "This Idempotency-Key was already used for a different notification. Use a new key.")
        except NotificationInFlight:
            response = problem(409, "in-flight", "Still being handled",
                               "A request with this Idempotency-Key is being handled now. Try again shortly.")
            response["Retry-After"] = "2"
            return response
        except PermissionDenied as refusal:
            return problem(403, "permission-denied", "Forbidden", str(refusal))
        headers = {"Location": reverse("placements_api:detail", args=[notification.reference])}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(NotificationOut(notification).data, status=201 if created else 200, headers=headers)


class PlacementView(CouncilClientView):
    @extend_schema(
        operation_id="placements_read",
        summary="What became of a notification",
        description="One of the client's council's notifications: where it went, whether it has been acknowledged "
                    "and by whom, and any missing episodes. Another council's is 404.",
        responses={200: NotificationOut, **_problems(401, 403, 404, 429)},
        tags=["placements"],
    )
    def get(self, request, reference: str):
        notification = get_object_or_404(
            PlacementNotification.objects.select_related("host_force", "home_force", "moved_from"),
            placing_council=request.user.organisation, reference=reference)
        with transaction.atomic():
            audit_record(action=AuditAction.VIEW, object_type=OBJECT_TYPE, request=request,
                         object_refs=[notification.uuid], detail={"api": True})
        return Response(NotificationOut(notification).data)
