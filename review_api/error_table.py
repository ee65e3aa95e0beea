"""The error codes each review API operation can answer besides those every operation can
(`web.error_docs`): the one place the OpenAPI document's error responses come from. A new
route adds its line here."""

from moderation.errors import ErrorCode as E

_UPLOAD = (
    E.UPLOAD_TOO_LARGE,
    E.FILE_TOO_LARGE,
    E.UNSUPPORTED_MEDIA_TYPE,
    E.INVALID_FORM,
    E.STORAGE_UNAVAILABLE,
)
_ITEM = (E.NOT_FOUND,)
_ADMIN = (E.ADMIN_ONLY,)
_STAFF_MEMBER = (*_ADMIN, E.NOT_FOUND, E.FORBIDDEN)

ERRORS: dict[str, frozenset[E]] = {
    k: frozenset(v)
    for k, v in {
        "GET /queue": (E.INSTITUTION_NOT_FOUND,),
        "POST /queue/next": (E.INSTITUTION_NOT_FOUND,),
        "GET /items": (E.INSTITUTION_NOT_FOUND,),
        "POST /items/{item_id}/claim": (
            *_ITEM,
            E.NOT_READY,
            E.CLAIMED_BY_OTHER,
            E.ALREADY_DECIDED,
            E.CHANGED_MEANWHILE,
        ),
        "DELETE /items/{item_id}/claim": (*_ITEM, E.NOT_CLAIMED),
        "GET /items/{item_id}": _ITEM,
        "GET /items/{item_id}/files/{file_id}": (*_ITEM, E.VARIANT_NOT_AVAILABLE),
        "POST /items/{item_id}/decision": (
            *_ITEM,
            E.NOT_CLAIMED,
            E.ALREADY_DECIDED,
            E.IDEMPOTENCY_KEY_REUSED,
            E.CHANGED_MEANWHILE,
        ),
        "POST /items/{item_id}/notes": _ITEM,
        "POST /items/{item_id}/reopen": (*_ADMIN, *_ITEM, E.ILLEGAL_TRANSITION),
        "GET /deliveries": (E.INSTITUTION_NOT_FOUND,),
        "POST /items/{item_id}/delivered": (
            *_ITEM,
            E.NOT_A_POST,
            E.NOT_APPROVED,
            E.CHANGED_MEANWHILE,
        ),
        "POST /deliveries/delivered": (),
        "GET /deliveries/print": (*_ITEM, E.NOT_A_POST, E.NOT_APPROVED, E.PRINT_UNAVAILABLE),
        "DELETE /accounts/{account_id}/suspension": (
            *_ADMIN,
            E.NOT_FOUND,
            E.SUSPENSION_OF_OTHER_INSTITUTION,
        ),
        "GET /appeals": _ADMIN,
        "POST /strikes/{strike_id}/appeal-decision": (*_ADMIN, E.NOT_FOUND, E.NO_OPEN_APPEAL),
        "POST /institution-posts": (E.NOT_FOUND, E.IDEMPOTENCY_KEY_REUSED, *_UPLOAD),
        "GET /reasons": (),
        "GET /stats": (),
        "GET /staff": _ADMIN,
        "POST /staff": (*_ADMIN, E.STAFF_EXISTS, E.INSTITUTION_NOT_FOUND),
        "POST /staff/{staff_id}/token": _STAFF_MEMBER,
        "DELETE /staff/{staff_id}": (*_STAFF_MEMBER, E.LAST_ADMIN),
        "GET /audit": _ADMIN,
        "GET /reports": (E.INSTITUTION_NOT_FOUND,),
    }.items()
}
