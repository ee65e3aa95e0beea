"""Every request measured and named (issue 13): a request id (the client's `X-Request-ID` when
it is sane, else a new one) on the response and on every log line while it is served, one
access line, and the Prometheus request count and latency per route template.

Route templates (`/api/v1/applications/{application_id}`), never raw paths: paths hold ids and
callsigns, the query string may hold a token, and a label per distinct path would grow without
bound. A path no route matches is `unmatched`.
"""

import logging
import re
import time
import uuid
from typing import Any

from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import log_context
from core.metrics import HTTP_LATENCY, HTTP_REQUESTS
from web.errors import internal_error_body

log = logging.getLogger("familybook.access")

HEADER = "x-request-id"
#: A client's id is kept only if it looks like one: short, no spaces, nothing to inject into a
#: log line or a header.
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
UNMATCHED = "unmatched"
#: FastAPI's own OpenTelemetry bridge, off: our metrics are Prometheus's (above), and the bridge
#: asked OpenTelemetry's global providers (environment lookups) on every request, in each of
#: the nested apps (3.5 % of a small read's CPU).
NO_OPENTELEMETRY: dict[str, Any] = {"tracing": False, "metrics": False, "logs": False}


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            candidate = value.decode("latin-1")
            if SANE_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if route is None or isinstance(route, Mount) or path is None:
        return UNMATCHED
    # A mounted API's route is relative to its mount point, which root_path holds.
    prefix = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
    return f"{prefix}{path}"


class RequestObservability:
    """Pure ASGI middleware (no BaseHTTPMiddleware: uploads stream through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        status = {"code": 500}
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = status["started"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER.encode()]
                headers.append((HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        with log_context(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                # Raised past the mounted APIs' own handlers (a route of the outer app): answer
                # here, with the id, before the outermost handler would answer without it.
                if "started" not in status:
                    log.exception("unexpected error")
                    body = JSONResponse(internal_error_body(request_id), 500)
                    await body(scope, receive, send_with_id)
                raise
            finally:
                self._record(scope, status["code"], time.perf_counter() - start)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route, method = route_template(scope), scope.get("method", "")
        HTTP_REQUESTS.labels(route, method, str(status)).inc()
        HTTP_LATENCY.labels(route, method).observe(seconds)
        extra: dict[str, Any] = {
            "route": route,
            "method": method,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        }
        log.info("%s %s %s", method, route, status, extra=extra)
