"""The returns API for a force's machine client: submit a return, read an attempt's outcome.

    POST /api/v1/returns                    (Idempotency-Key required; JSON body or multipart `file`)
    GET  /api/v1/returns/submissions/<id>

Bearer tokens only (MachineClientAuthentication); never sessions, so no CSRF exposure. The
view reads the body itself and hands it to `return_submit`, the service the web upload calls.
Every error is RFC 9457 problem details (application/problem+json).
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from crossline.accounts.api_auth import MachineClientAuthentication
from crossline.accounts.roles import SUBMIT_RETURN, VIEW_RETURNS
from crossline.core.idempotency import KEY_MAX
from crossline.core.problems import ProblemDetailsView, problem, problem_responses
from crossline.returns.safety import MAX_UPLOAD_BYTES
from crossline.returns.selectors import submissions_visible_to
from crossline.returns.serializers import (
    ProblemSerializer,
    ReturnDocumentSerializer,
    ReturnFileSerializer,
    SubmissionResultSerializer,
)
from crossline.returns.services import (
    IdempotencyConflict,
    SubmissionInFlight,
    return_submit,
)

MULTIPART_SLACK = 64 * 1024  # the multipart envelope around the file: boundaries, headers, other fields


class HasAnyPermission(BasePermission):
    """The client's scopes, as limited by its organisation's kind, give one of `view.required_any`."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and any(user.has_perm(p) for p in view.required_any))


class MachineClientView(ProblemDetailsView):
    authentication_classes = [MachineClientAuthentication]
    permission_classes = [HasAnyPermission]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "machine-client"
    required_any: tuple[str, ...] = ()


PROBLEM_TEXTS = {
    400: "No Idempotency-Key, or a malformed one.",
    401: "No token, or an unknown, expired or revoked one.",
    403: "The client may not submit returns (it needs the returns:submit scope).",
    409: "A request with this Idempotency-Key is still being processed: try again shortly (see Retry-After).",
    413: "The body is larger than 20 MB.",
    415: "Send application/json or multipart/form-data with a `file` field.",
    422: "This Idempotency-Key was already used with a different body.",
    429: "Too many requests: slow down (see Retry-After).",
    503: "The platform failed while storing the return: send it again with the same Idempotency-Key.",
}


def _problems(texts: dict[int, str]) -> dict:
    return problem_responses(ProblemSerializer, texts)


def _fingerprint(kind: str, filename: str, content: bytes) -> str:
    """What makes two requests "the same body" for an Idempotency-Key: the form they came in,
    the file's name, and the bytes."""
    digest = hashlib.sha256(f"{kind}\n{filename}\n".encode())
    digest.update(content)
    return digest.hexdigest()


class ReturnSubmitView(MachineClientView):
    required_any = (SUBMIT_RETURN,)
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="returns_submit",
        summary="Submit a national return",
        description=(
            "Send the return either as the JSON form (`application/json`) or as a file (`multipart/form-data`, "
            "field `file`: .xlsx, .zip of CSV files, or .json). The return is checked whole: the answer says "
            "whether it was accepted (and stored as which version), recognised as a duplicate of a stored return, "
            "or rejected with every error located by sheet, row and column. A force submits for itself; a ROCU "
            "for the forces of its region. The same Idempotency-Key with the same body gets the first answer "
            "again; with a different body, 422."),
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description=f"A unique key per return sent, 1 to {KEY_MAX} "
                                                 "printable characters (a UUID is ideal).")],
        request={"application/json": ReturnDocumentSerializer, "multipart/form-data": ReturnFileSerializer},
        responses={201: SubmissionResultSerializer, **_problems(PROBLEM_TEXTS)},
        tags=["returns"],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return problem(400, "idempotency-key-missing", "Idempotency-Key required",
                           "Send an Idempotency-Key header (a new UUID for each return) so that a retry is safe.")
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > MAX_UPLOAD_BYTES + (MULTIPART_SLACK if media_type == "multipart/form-data" else 0):
            return _too_large()
        if media_type == "application/json":
            kind, filename, content = "json", "return.json", request.stream.read() if request.stream else b""
            form = "json"
        elif media_type == "multipart/form-data":
            upload = request.FILES.get("file")
            if upload is None:
                return problem(400, "file-missing", "No file", "Send the return in a multipart field named `file`.")
            if upload.size > MAX_UPLOAD_BYTES:
                return _too_large()
            kind, filename, content, form = "file", upload.name or "", upload.read(), None
        else:
            return problem(415, "unsupported-media-type", "Unsupported Media Type",
                           "Send application/json (the JSON form) or multipart/form-data with a `file` field.")
        client = request.user
        try:
            submission = return_submit(content=content, filename=filename, form=form, actor=client,
                                       organisation=client.organisation, idempotency_key=key, request=request,
                                       request_fingerprint=_fingerprint(kind, filename, content))
        except ValidationError as error:
            return problem(400, "idempotency-key-malformed", "Malformed Idempotency-Key", " ".join(error.messages))
        except IdempotencyConflict as conflict:
            return problem(422, "idempotency-key-reused", "Idempotency-Key already used",
                           "This Idempotency-Key was already used for a different return. Use a new key for a new "
                           "return.", submission=conflict.submission.pk)
        except SubmissionInFlight as in_flight:
            extra = {"submission": in_flight.submission.pk} if in_flight.submission is not None else {}
            response = problem(409, "in-flight", "Still being processed", str(in_flight), **extra)
            response["Retry-After"] = "5"
            return response
        except PermissionDenied as refusal:
            return problem(403, "permission-denied", "Forbidden", str(refusal))
        except DatabaseError:
            response = problem(503, "platform-failed", "Service Unavailable",
                               "The platform failed while storing this return; nothing of it was stored. Send it "
                               "again with the same Idempotency-Key.")
            response["Retry-After"] = "30"
            return response
        location = reverse("returns_api:submission", args=[submission.pk])
        return Response(SubmissionResultSerializer(submission).data, status=status.HTTP_201_CREATED,
                        headers={"Location": location})


def _too_large() -> Response:
    return problem(413, "too-large", "Content Too Large",
                   f"A return may be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Split it by period, or send "
                   ".xlsx, which is compressed.")


class SubmissionView(MachineClientView):
    required_any = (SUBMIT_RETURN, VIEW_RETURNS)

    @extend_schema(
        operation_id="returns_submission",
        summary="The outcome of a submission",
        description="One of the client's organisation's submissions; another organisation's is 404.",
        responses={200: SubmissionResultSerializer, **_problems(
            {401: PROBLEM_TEXTS[401], 403: "The client has neither the returns:submit nor the returns:read scope.",
             404: "No such submission of your organisation's.", 429: PROBLEM_TEXTS[429]})},
        tags=["returns"],
    )
    def get(self, request, pk: int):
        submission = get_object_or_404(submissions_visible_to(user=request.user), pk=pk)
        return Response(SubmissionResultSerializer(submission).data)
