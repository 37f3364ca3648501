"""The Idempotency-Key on API POSTs (draft-ietf-httpapi-idempotency-key-header; API-03).

    if (refusal := key_refusal(request.headers.get("Idempotency-Key"))) is not None:
        return refusal                                   # 400: missing or malformed
    with transaction.atomic():
        if not key_lock("tasking.api", organisation.pk, key):
            raise RequestInFlight                        # 409: another request holds the key
        ...look the key up: a different fingerprint is 422, the same one the first answer...

A key belongs to the sending organisation. What a key made is stored with it, in the same
transaction as the change, so a retry gets the first answer and nothing happens twice. Every API
checks its keys with `key_check` (one rule for what a key may be); the returns, placements and
intensification APIs store their key on the row the request made, and returns holds its key with
a session lock of its own, because a return's work spans several transactions.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import connection
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from crossline.core.problems import problem

KEY_MAX = 255
HEADER = "Idempotency-Key"

PROBLEM_TEXTS = {
    409: "A request with this Idempotency-Key is still being processed: try again shortly (see Retry-After).",
    422: "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
}


class IdempotencyConflict(Exception):  # noqa: N818 - named for what the caller is told
    """The key was used before with a different request (API: 422)."""


class RequestInFlight(Exception):  # noqa: N818
    """Another request with this key is being handled right now (API: 409)."""


def key_check(key: str) -> None:
    if not 0 < len(key) <= KEY_MAX or not key.isprintable():
        raise ValidationError(f"An {HEADER} is 1 to {KEY_MAX} printable characters.")


def key_lock(namespace: str, organisation_id: int, key: str) -> bool:
    """PostgreSQL: hold the key until this transaction ends; False if another transaction holds it.
    SQLite's IMMEDIATE transactions already serialise writers, so a second request simply waits
    and then finds what the first one stored."""
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.sha256(f"{namespace}:{organisation_id}:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])
        return bool(cursor.fetchone()[0])


def request_fingerprint(*about: object, body: object) -> str:
    """What makes two requests "the same" for a key: what they act on (the operation and its
    object) and the parsed body, in a canonical form (key order and spacing do not count)."""
    text = json.dumps([[str(part) for part in about], body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# --- the API's side -------------------------------------------------------------------------------
def key_parameter(what: str) -> OpenApiParameter:
    """The header, for `extend_schema(parameters=[...])`."""
    return OpenApiParameter(HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                            description=f"A unique key for each {what}, 1 to {KEY_MAX} printable characters (a "
                                        "UUID is ideal). The same key with the same body gets the first answer "
                                        "again and changes nothing; with a different body, 422.")


def key_refusal(key: str | None) -> Response | None:
    """The 400 for a missing or malformed key, or None when the key will do."""
    if key is None:
        return problem(400, "idempotency-key-missing", f"{HEADER} required",
                       f"Send an {HEADER} header (a new UUID for each request) so that a retry is safe.")
    try:
        key_check(key)
    except ValidationError as error:
        return problem(400, "idempotency-key-malformed", f"Malformed {HEADER}", " ".join(error.messages))
    return None


def key_reused() -> Response:
    return problem(422, "idempotency-key-reused", f"{HEADER} already used",
                   f"This {HEADER} was already used for a different request. Use a new key for a new request.")


def in_flight() -> Response:
    response = problem(409, "in-flight", "Still being processed",
                       f"A request with this {HEADER} is still being processed. Try again shortly.")
    response["Retry-After"] = "5"
    return response
