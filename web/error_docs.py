"""Each operation's error codes in the OpenAPI documents, built from one table per API.

Every API declares, per operation ("METHOD /path"), the `ErrorCode`s its use cases can refuse
with (`ingest.error_table`, `review_api.error_table`); the status each code answers and what it
means are said once, here. The document then lists, under each status of each operation, the
codes it can carry and their meaning (and `x-error-codes` for generators). What every
operation can answer is added by itself: 401 where a token is needed, 422 (every route
refuses unknown query parameters), 503 when the database is down, 500.
"""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI

from moderation.errors import ErrorCode as E

#: The status each code answers (its error class decides it at run time: `web.errors.STATUS`)
#: and what it means, in English for the document.
CODE_DOCS: dict[E, tuple[int, str]] = {
    E.BAD_REQUEST: (400, "the request is malformed"),
    E.TOKEN_INVALID: (400, "the token was never valid"),
    E.UNAUTHENTICATED: (401, "no valid token"),
    E.SESSION_EXPIRED: (401, "the token has expired"),
    E.LOGIN_FAILED: (401, "wrong email or password"),
    E.FORBIDDEN: (403, "not allowed for this caller"),
    E.ADMIN_ONLY: (403, "only an administrator of the institution may do this"),
    E.EMAIL_UNVERIFIED: (403, "the email address is not verified yet"),
    E.SUSPENDED: (403, "the family is suspended (`until` says till when)"),
    E.INMATE_RESTRICTED: (403, "the inmate may not be contacted now"),
    E.CHILD_AGE_NOT_ELIGIBLE: (403, "the inmate's youngest child is past the age"),
    E.APPEAL_TOO_LATE: (403, "the appeal window has closed"),
    E.SUSPENSION_OF_OTHER_INSTITUTION: (403, "another institution's suspension"),
    E.NOT_FOUND: (404, "does not exist or is not visible to the caller"),
    E.INSTITUTION_NOT_FOUND: (404, "no such institution (among the caller's)"),
    E.INMATE_NOT_FOUND: (404, "no such inmate"),
    E.VARIANT_NOT_AVAILABLE: (404, "no such variant of the file"),
    E.NOT_A_POST: (404, "the item is an application, not a post"),
    E.METHOD_NOT_ALLOWED: (405, "the path does not take this method"),
    E.EMAIL_TAKEN: (409, "an account has this email"),
    E.INMATE_HAS_SERVICE: (409, "another family holds this inmate's service"),
    E.NOT_RESUBMITTABLE: (409, "not in a status that takes a new attempt"),
    E.APPLICATION_NOT_APPROVED: (409, "the service application is not approved"),
    E.POST_IN_FLIGHT: (409, "another post is still in review"),
    E.QUOTA_USED: (409, "the post quota is used (`next_allowed_at`)"),
    E.ILLEGAL_TRANSITION: (409, "not possible in the item's status"),
    E.CHANGED_MEANWHILE: (409, "someone changed it meanwhile; reload"),
    E.NOT_READY: (409, "the item has not reached review"),
    E.NOT_CLAIMED: (409, "claim the item first"),
    E.CLAIMED_BY_OTHER: (409, "another reviewer holds the claim"),
    E.ALREADY_DECIDED: (409, "the item is decided"),
    E.IDEMPOTENCY_KEY_REUSED: (409, "the Idempotency-Key was used for something else"),
    E.ALREADY_APPEALED: (409, "the strike was appealed already"),
    E.NO_OPEN_APPEAL: (409, "the strike has no open appeal"),
    E.NOT_APPROVED: (409, "the post is not approved"),
    E.STAFF_EXISTS: (409, "a staff member has this email"),
    E.LAST_ADMIN: (409, "the institution's last administrator"),
    E.TOKEN_EXPIRED: (410, "the link has expired"),
    E.UPLOAD_TOO_LARGE: (413, "the upload is too large"),
    E.FILE_TOO_LARGE: (413, "a file is too large"),
    E.UNSUPPORTED_MEDIA_TYPE: (415, "a file type that is refused"),
    E.INVALID_FIELDS: (422, "fields to fix (`fields` names each)"),
    E.INVALID_INPUT: (422, "a value that cannot be stored"),
    E.INVALID_FORM: (422, "the form is malformed"),
    E.FIELD_NOT_CHANGEABLE: (422, "this field cannot be changed"),
    E.TOO_MANY_ATTEMPTS: (429, "too many tries (`Retry-After`)"),
    E.DATABASE_UNAVAILABLE: (503, "the database is unavailable (`Retry-After`)"),
    E.PRINT_UNAVAILABLE: (503, "printing is unavailable (no Chinese font)"),
    E.STORAGE_UNAVAILABLE: (503, "the document store is unavailable (`Retry-After`)"),
    E.INTERNAL_ERROR: (500, "an unexpected error on our side"),
}
#: Every operation may answer these.
ALWAYS = (E.INVALID_FIELDS, E.DATABASE_UNAVAILABLE, E.INTERNAL_ERROR)
#: Operations that need a token may answer these as well.
WITH_TOKEN = (E.UNAUTHENTICATED, E.SESSION_EXPIRED)
ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _responses(codes: list[E]) -> dict[str, dict[str, Any]]:
    by_status: dict[int, list[E]] = defaultdict(list)
    for code in codes:
        if code in CODE_DOCS and code not in by_status[CODE_DOCS[code][0]]:
            by_status[CODE_DOCS[code][0]].append(code)
    return {
        str(status): {
            "description": "; ".join(f"`{c.value}`: {CODE_DOCS[c][1]}" for c in found),
            "content": ERROR_REF,
            "x-error-codes": [c.value for c in found],
        }
        for status, found in sorted(by_status.items())
    }


def document_operation_errors(app: FastAPI, table: Mapping[str, frozenset[E]]) -> None:
    """List every operation's error codes per status in `app`'s OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                declared = sorted(table.get(f"{method.upper()} {path}", frozenset()))
                auth = list(WITH_TOKEN) if operation.get("security") else []
                responses = operation.setdefault("responses", {})
                for status, response in _responses([*auth, *declared, *ALWAYS]).items():
                    responses[status] = response
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
