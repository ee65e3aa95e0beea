"""The one place where errors become HTTP answers: `{"error": {code, message, message_en}}`."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from core.logs import current
from moderation import errors
from moderation.checks.base import CheckCode
from moderation.errors import ErrorCode
from moderation.text import TextCode
from storage.db import database_unavailable
from web.strict_query import forbid_unknown_query

log = logging.getLogger(__name__)

STATUS: dict[type[errors.FamilybookError], int] = {
    errors.BadToken: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.TooLarge: 413,
    errors.UnsupportedType: 415,
    errors.InvalidInput: 422,
    errors.Throttled: 429,
    errors.Unavailable: 503,
}

#: Generic words for HTTP errors raised by the framework itself (unknown path, wrong method…).
GENERIC: dict[int, tuple[ErrorCode, str, str]] = {
    400: (ErrorCode.BAD_REQUEST, "請求格式不正確。", "The request is malformed."),
    401: (ErrorCode.UNAUTHENTICATED, "請先登入。", "Please log in."),
    403: (ErrorCode.FORBIDDEN, "您沒有權限進行這個動作。", "You may not do this."),
    404: (ErrorCode.NOT_FOUND, "找不到這個項目。", "Not found."),
    405: (ErrorCode.METHOD_NOT_ALLOWED, "不支援這個操作。", "Method not allowed."),
    413: (ErrorCode.UPLOAD_TOO_LARGE, "上傳的資料太大。", "The upload is too large."),
    415: (ErrorCode.UNSUPPORTED_MEDIA_TYPE, "不支援這種資料格式。", "Unsupported media type."),
}
#: Every code an error body can carry, for the OpenAPI document's enum.
ALL_CODES = sorted({*ErrorCode, *CheckCode, *TextCode})


def error_body(code: str, message: str, message_en: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "message_en": message_en, **extra}}


def _familybook_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.FamilybookError)
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
    extra: dict[str, Any] = dict(exc.extra)
    if exc.fields:
        extra["fields"] = exc.fields
    headers = {}
    if isinstance(exc, errors.Throttled | errors.Unavailable):
        headers["Retry-After"] = str(exc.extra.get("retry_after", 60))
    if isinstance(exc, errors.Unavailable):
        extra.pop("retry_after", None)  # said in the header; the body stays API.md's
    if isinstance(exc, errors.Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        error_body(exc.code, exc.message, exc.message_en, **extra), status, headers=headers
    )


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        fields[".".join(loc) or "body"] = f"此欄位缺少或格式不正確。 {err.get('msg', 'invalid')}"
    return JSONResponse(
        error_body(
            ErrorCode.INVALID_FIELDS,
            "有欄位需要修正：" + "、".join(fields),
            "Some fields need fixing: " + ", ".join(fields),
            fields=fields,
        ),
        422,
    )


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code, zh, en = GENERIC.get(
        exc.status_code, (ErrorCode.HTTP_ERROR, "請求無法完成。", str(exc.detail))
    )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return JSONResponse(error_body(code, zh, en), exc.status_code, headers=headers)


def _database_down(request: Request, exc: Exception) -> JSONResponse:
    # Reached only when the database fails outside `Database.session()` (which says so itself).
    log.error("database unavailable: %s", exc)
    return _familybook_error(request, database_unavailable())


def _unstorable(_: Request, exc: Exception) -> JSONResponse:
    # The database refused a value the client sent that no check stopped first: a NUL character
    # (PostgreSQL text cannot hold one; SQLite can), a number out of range. Not a server fault.
    log.warning("value refused by the database: %s", exc)
    return JSONResponse(
        error_body(
            ErrorCode.INVALID_INPUT,
            "送出的資料含有無法儲存的字元或數值，請修正後再試。",
            "The request contains a character or value that cannot be stored.",
        ),
        422,
    )


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return JSONResponse(internal_error_body(current("request_id")), 500)


def internal_error_body(request_id: str | None) -> dict[str, Any]:
    """The 500 body. It names the request id the log lines carry: a family or reviewer who
    reports it leads an operator straight to them."""
    said = f"（錯誤編號 {request_id}）" if request_id else ""
    said_en = f" (error id {request_id})" if request_id else ""
    return error_body(
        ErrorCode.INTERNAL_ERROR,
        f"系統發生錯誤，請稍後再試。{said}",
        f"Something went wrong on our side; please try again later.{said_en}",
        **({"request_id": request_id} if request_id else {}),
    )


#: The error body of API.md, as an OpenAPI schema.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_en"],
            "properties": {
                "code": {"type": "string", "enum": ALL_CODES},
                "message": {"type": "string"},
                "message_en": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "request_id": {"type": "string", "description": "500: the X-Request-ID"},
            },
        }
    },
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document_errors(app: FastAPI) -> None:
    """Say in the OpenAPI document what errors answer: our error body for 422 (not FastAPI's
    `{"detail": […]}`, which we never send) and for every other status (`default`)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Error"] = ERROR_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = _error_response("Invalid fields 欄位需要修正")
                responses.setdefault("default", _error_response("Error 錯誤"))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    """Call before including any router: the strict query check is added to each route then."""
    document_errors(app)
    forbid_unknown_query(app)
    app.add_exception_handler(errors.FamilybookError, _familybook_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(DataError, _unstorable)
    app.add_exception_handler(Exception, _unexpected)
