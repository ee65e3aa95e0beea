"""The error codes each family API operation can answer besides those every operation can
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
_ELIGIBLE = (E.EMAIL_UNVERIFIED, E.INMATE_RESTRICTED, E.CHILD_AGE_NOT_ELIGIBLE)
_APPLY = (*_UPLOAD, *_ELIGIBLE, E.INSTITUTION_NOT_FOUND, E.INMATE_NOT_FOUND, E.INMATE_HAS_SERVICE)
_POST = (
    *_UPLOAD,
    *_ELIGIBLE,
    E.NOT_FOUND,
    E.APPLICATION_NOT_APPROVED,
    E.SUSPENDED,
    E.QUOTA_USED,
    E.POST_IN_FLIGHT,
)
_INMATE = (E.INSTITUTION_NOT_FOUND, E.INMATE_NOT_FOUND)
_RESUBMIT = (E.NOT_FOUND, E.NOT_RESUBMITTABLE, E.CHANGED_MEANWHILE)

ERRORS: dict[str, frozenset[E]] = {
    k: frozenset(v)
    for k, v in {
        "POST /accounts": (E.EMAIL_TAKEN,),
        "POST /accounts/verify": (E.TOKEN_INVALID, E.TOKEN_EXPIRED),
        "POST /accounts/verify/resend": (),
        "POST /sessions": (E.LOGIN_FAILED, E.EMAIL_UNVERIFIED, E.TOO_MANY_ATTEMPTS),
        "GET /me": (),
        "PATCH /me": (E.FIELD_NOT_CHANGEABLE,),
        "GET /institutions": (),
        "GET /institutions/{code}/inmates/{callsign}": (
            E.INSTITUTION_NOT_FOUND,
            E.INMATE_NOT_FOUND,
        ),
        "GET /applications": (),
        "POST /applications": _APPLY,
        "POST /applications/{application_id}/attempts": (*_APPLY, *_RESUBMIT),
        "GET /applications/{application_id}": (E.NOT_FOUND,),
        "GET /posts": (),
        "POST /posts": _POST,
        "POST /posts/{post_id}/attempts": (*_POST, *_RESUBMIT),
        "GET /posts/{post_id}": (E.NOT_FOUND,),
        "GET /strikes": (),
        "POST /strikes/{strike_id}/appeal": (E.NOT_FOUND, E.ALREADY_APPEALED, E.APPEAL_TOO_LATE),
        "GET /institution-posts": (),
        "GET /institution-posts/{entry_id}/files/{file_id}": (E.NOT_FOUND,),
    }.items()
}
