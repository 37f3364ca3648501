"""RFC 9457 problem details: how every Crossline API says what went wrong.

    return problem(422, "idempotency-key-reused", "Idempotency-Key already used", "Use a new key.")

An API view answers its own refusals with `problem(...)`; `ProblemDetailsView` makes DRF's
refusals (401, 403, 404, 415, 429...) problem details too, and `problem_responses` documents them
in the OpenAPI schema under their own media type.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:crossline:problem:"


def problem(status_code: int, slug: str, title: str, detail: str, **extra) -> Response:
    """A problem-details answer; `extra` members (e.g. `errors`, `submission`) go beside the standard ones."""
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status_code, "detail": detail, **extra}
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    """DRF's own refusals as problem details."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    # DRF answers Django's own Http404 and PermissionDenied too; name them as it does its own.
    code = {Http404: "not_found", PermissionDenied: "permission_denied"}.get(type(exc))
    slug = (code or getattr(exc, "default_code", "error")).replace("_", "-")
    response.data = {"type": PROBLEM_BASE + slug, "title": response.status_text, "status": response.status_code,
                     "detail": str(detail)}
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "too_large"


class ProblemDetailsView(APIView):
    """An API view whose every error, its own or DRF's, is problem details.

    With `max_body_bytes` set, a body declared larger is refused with 413 before it is read
    (API-02): DRF's parsers do not apply Django's upload limit, so without this a client could
    make the service parse megabytes of JSON. `body_limit_reason` says why the limit is enough.
    """

    max_body_bytes: int | None = None
    body_limit_reason = ""

    def get_exception_handler(self):
        return problem_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticated, permitted and throttled first
        if self.max_body_bytes is None:
            return
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = self.max_body_bytes + 1
        if declared > self.max_body_bytes:
            raise BodyTooLarge(f"Send at most {self.max_body_bytes // 1024} KB: {self.body_limit_reason}")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, for the schema; an API adds the members it sends beside them."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()


def problem_responses(serializer: type[serializers.Serializer], texts: dict[int, str]) -> dict:
    """`extend_schema(responses=...)` entries: each status code with what it means, as problem+json."""
    return {(code, PROBLEM_CONTENT_TYPE): OpenApiResponse(serializer, description=text)
            for code, text in texts.items()}
