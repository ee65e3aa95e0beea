"""The reviewer console: plain ES modules and CSS served at /review/, talking to /review/v1 as
any other client does (no private endpoint, no build step, no asset from outside the server)."""

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

#: The console's files: index.html, console.css and the modules under js/.
STATIC = Path(__file__).parent / "static"

#: The page runs only its own files: no inline script or style, no other origin; images and PDFs
#: (in the browser's viewer, framed) from blob: URLs of documents fetched with the token; never
#: framed by another page.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "frame-src blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

#: Sent with every file of the console.
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # A new version of the console is picked up at the next load: the files are small.
    "Cache-Control": "no-cache",
}


class _SecuredStatic(StaticFiles):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": raw}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def _index(_: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=HEADERS, media_type="text/html")


def create_console_app() -> Starlette:
    """Mounted at /review (after /review/v1, which keeps its own routes)."""
    return Starlette(
        routes=[
            Route("/", _index),
            Mount("/static", app=_SecuredStatic(directory=STATIC)),
        ]
    )


def console_redirect(_: Request) -> Response:
    """/review without its slash: the page's relative links need the slash."""
    return RedirectResponse("/review/", status_code=308)
