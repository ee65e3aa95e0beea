"""Typed dependencies both APIs use: the process's runtime, a reading session, the bearer token.

The runtime is the one the composition built and attached to each app (`app.state.runtime`);
nothing here reads the environment.

A dependency that only reads the request is `async def`: FastAPI runs a plain `def` one in the
thread pool, a thread hop per dependency per request for nothing; those that touch the
database stay plain `def` (they block, and must not do so on the event loop).
"""

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.settings import Settings
from moderation.errors import ErrorCode, Unauthenticated
from storage.db import database_unavailable
from usecases.runtime import Runtime
from usecases.transaction import UnitOfWork
from web.routing import REQUEST_SESSION


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(rt: RuntimeDep) -> AsyncIterator[Session]:
    """The request's one session: routes read with it; a use case given it (`WorkDep`) commits.
    Opened on the event loop, in the request's own task: a session takes its connection at its
    first query, nothing before blocks, and `REQUEST_SESSION` then names it to every later
    thread hop of this request (`web.routing` ends its reads where a plain endpoint returns).
    Closed on the loop too when nothing is left open, else in a thread of its own (not one the
    pool's requests wait for: this one holds a connection): giving back a connection in a
    transaction rolls it back, a round trip. As a plain generator it cost every request two
    thread hops (CPU on both sides of each) for no I/O at all in most requests."""
    session = rt.db.sessions()
    REQUEST_SESSION.set(session)
    try:
        yield session
    except OperationalError as exc:  # as `Database.session`: nothing was saved, retry later
        raise database_unavailable() from exc
    finally:
        if session.in_transaction():
            await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]


#: Read through FastAPI's HTTPBearer so that the OpenAPI documents declare a bearer
#: `securitySchemes` on every operation that needs a token (the docs pages get an Authorize
#: button, client generators keep the header). It does not refuse by itself: our 401 body does.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="家屬：POST /api/v1/sessions 的 token；工作人員：管理者核發的憑證",
)


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> str:
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token:
        raise Unauthenticated(
            code=ErrorCode.UNAUTHENTICATED, message="請先登入。", message_en="Please log in."
        )
    return token


BearerToken = Annotated[str, Depends(bearer_token)]


async def get_work(rt: RuntimeDep, session: SessionDep) -> UnitOfWork:
    """The request's session as a use case's unit of work: the use case commits it (and only
    then wakes the workers). One session per request: on SQLite a second transaction beside
    the first would wait for the first's write lock."""
    return UnitOfWork(rt, session)


WorkDep = Annotated[UnitOfWork, Depends(get_work)]


async def client_address(request: Request) -> str:
    """The caller's address, as the server saw it (behind a proxy, uvicorn's --proxy-headers
    with --forwarded-allow-ips makes it the client's rather than the proxy's)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def docs_urls(settings: Settings) -> dict[str, Any]:
    """issue 12: the OpenAPI document and docs pages, or none of them in production unless
    FAMILYBOOK_API_DOCS=true (they map every route for an attacker)."""
    if settings.docs_enabled:  # the pages themselves: `web.docs_pages`, with their own assets
        return {"docs_url": None, "redoc_url": None}
    return {"openapi_url": None, "docs_url": None, "redoc_url": None}
