"""Request bodies are cut at a ceiling while they stream, never read whole first.

One unauthenticated 150 MiB login used to be read into memory (247 → 852 MB) and its password
hashed. Every body is now counted as it arrives by Starlette's own limiter and refused with 413
the moment it crosses the ceiling (at once, unread, when Content-Length says it will): JSON and
forms at `max_json_bytes`, multipart uploads a little over `max_request_bytes`, whose own
streaming parser (`web/uploads.py`) refuses them first with its precise answer; this is the
hard cut for whatever a chunked request sends past the form.
"""

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitResponder
from starlette.types import ASGIApp, Receive, Scope, Send

from web.errors import BODY_TOO_LARGE, GENERIC, error_body, is_multipart

#: Room for multipart boundaries and headers above the upload ceiling.
MULTIPART_OVERHEAD = 1024 * 1024


class BodyLimits:
    """ASGI middleware choosing the ceiling per request by its content type."""

    def __init__(self, app: ASGIApp, *, json_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes + MULTIPART_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = is_multipart(headers.get("content-type"))
        limit = self.upload_bytes if multipart else self.json_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            code, zh, en = GENERIC[413] if multipart else BODY_TOO_LARGE
            answer = JSONResponse(error_body(code, zh, en), 413, headers={"Connection": "close"})
            await answer(scope, receive, send)
            return
        await RequestBodyLimitResponder(self.app, limit)(scope, receive, send)
