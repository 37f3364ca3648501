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
