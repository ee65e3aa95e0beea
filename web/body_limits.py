"""Request bodies are cut at a ceiling while they stream, never read whole first.

One unauthenticated 150 MiB login used to be read into memory (247 → 852 MB) and its password
hashed. Every body is now counted as it arrives by Starlette's own limiter and refused with 413
the moment it crosses the ceiling (at once, unread, when Content-Length says it will): JSON and
forms at `max_json_bytes`, multipart uploads a little over `max_request_bytes`, whose own
streaming parser (`web/uploads.py`) refuses them first with its precise answer; this is the
hard cut for whatever a chunked request sends past the form.

A body that stalls (nothing for `request_read_timeout_s`) or dribbles past its deadline
(`request_body_deadline_s`) is cut with 408: a slow upload held a socket and a temp file for
as long as the client liked (20 of 20 alive after 75 s).
"""

import asyncio
import time

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import RequestBodyLimitResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import BODY_TOO_LARGE, GENERIC, error_body, is_multipart

#: Room for multipart boundaries and headers above the upload ceiling.
MULTIPART_OVERHEAD = 1024 * 1024


class BodyTooSlow(HTTPException):
    """Nothing arrived for the read timeout, or the body outlived its deadline."""

    def __init__(self) -> None:
        super().__init__(status_code=408, headers={"Connection": "close"})


class BodyLimits:
    """ASGI middleware choosing the ceiling per request by its content type, and cutting a
    body that arrives too slowly."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        json_bytes: int,
        upload_bytes: int,
        read_timeout_s: float,
        deadline_s: float,
    ) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes + MULTIPART_OVERHEAD
        self.read_timeout_s, self.deadline_s = read_timeout_s, deadline_s

    def _timed(self, receive: Receive) -> Receive:
        deadline = time.monotonic() + self.deadline_s
        body_done = False

        async def receive_in_time() -> Message:
            nonlocal body_done
            if body_done:  # later reads only wait for the client to hang up: no limit
                return await receive()
            wait = min(self.read_timeout_s, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.001))
            except TimeoutError:
                raise BodyTooSlow() from None
            body_done = message["type"] != "http.request" or not message.get("more_body")
            return message

        return receive_in_time

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
        await RequestBodyLimitResponder(self.app, limit)(scope, self._timed(receive), send)
