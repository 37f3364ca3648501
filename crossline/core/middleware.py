"""Cross-cutting request handling: a request id for audit and logs, and no caching of pages."""

import re
import uuid

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (kept from a trusted proxy's X-Request-ID if well-formed).

    The id goes into every audit record and log line of the request, and back in the response,
    so a user's report of a problem can be matched to what the service recorded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreMiddleware:
    """Personal data must not sit in browser or proxy caches (DP-02): no page is cacheable.

    Static assets are served before this runs (WhiteNoise) and keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


def client_ip(request) -> str:
    """The address the request came from. Behind a proxy, the proxy must set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "") or ""


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than any page or API accepts (IN-01), before
    anything reads it: without this, the CSRF check parses a multipart upload, and Django writes
    its files to disk, before the view's own size check runs. The limit leaves room for the form
    fields and multipart framing around the largest file a return may be."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse
        from django.template import loader

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django treats a malformed length as none, and reads nothing
        if declared > settings.REQUEST_MAX_BYTES:
            limit_mb = settings.UPLOAD_MAX_BYTES // 2**20
            if request.path.startswith("/api/"):
                import json

                from crossline.core.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

                response = HttpResponse(json.dumps({
                    "type": PROBLEM_BASE + "request-too-large", "title": "Request too large", "status": 413,
                    "detail": f"Crossline accepts files of up to {limit_mb} MB; nothing was kept."}),
                    status=413, content_type=PROBLEM_CONTENT_TYPE)
            else:
                body = loader.get_template("errors/413.html").render({"limit_mb": limit_mb})
                response = HttpResponse(body, status=413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)
