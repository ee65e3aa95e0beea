"""Headers every answer carries (issue 12, finding 12).

- `Cache-Control: no-store` on every API answer: they carry login tokens, national IDs and
  families' documents, which no browser or proxy cache may keep (unless a route said
  otherwise);
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'` on HTML pages: no other site may
  frame the verification button (clickjacking);
- `Strict-Transport-Security` when the public address is https;
- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` (a verification link's
  token never leaks through a Referer).
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: One year, the usual preload minimum.
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", "no-store")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("X-Frame-Options", "DENY")
                    csp = headers.get("Content-Security-Policy")
                    headers["Content-Security-Policy"] = (
                        f"{csp}; frame-ancestors 'none'" if csp else "frame-ancestors 'none'"
                    )
                if self.https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
