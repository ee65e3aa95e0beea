"""Routes whose endpoint hands its database connection back before the request's next thread hop.

Why: FastAPI runs a plain `def` endpoint in one thread-pool hop and then validated its return
value in another hop (`serialize_response` for a non-async endpoint; on the event loop now,
see `_ending_read`), both on AnyIO's one default limiter. A request whose endpoint read
through the request's session kept its connection across that second hop; under 200
families every pool thread was a request waiting for a connection, and every connection
belonged to a request waiting for a thread: the API wedged with an idle CPU until the pool's
30 s timeout broke it (seen in bench_load). Ending the read where the endpoint returns, on
the endpoint's own thread, breaks the cycle: a request that waits for a thread holds no
connection.
"""

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from usecases.transaction import end_read

#: The request's session (`web.deps.get_session` sets it in the request's own task, so every
#: thread-pool hop of that request sees it and no other request does).
REQUEST_SESSION: ContextVar[Session | None] = ContextVar("familybook_request_session", default=None)


class InEndpointHop(ABC):
    """A dependency's value that blocks to compute (the staff member behind a token: a database
    read), computed in the endpoint's own thread hop rather than in one of its own. Each plain
    `def` dependency cost a request a hop: CPU on both sides, and under load a wait for a
    thread beside every other request's (a quarter of a claim's CPU went to authenticating
    it). The dependency returns this, still on the event loop; the route resolves it first
    thing in the endpoint's thread, so the endpoint is given the value itself.

    Errors keep their mapping, they are raised in the endpoint's hop; one order changes: a
    request with a wrong token and a malformed parameter is answered 422, not 401 (the
    parameters are validated before any hop)."""

    @abstractmethod
    def resolve(self) -> Any:
        """The value (blocking is fine: this runs in a worker thread)."""


def _resolved(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v.resolve() if isinstance(v, InEndpointHop) else v for k, v in kwargs.items()}


def _resolved_then_end_read(kwargs: dict[str, Any]) -> dict[str, Any]:
    resolved = _resolved(kwargs)
    session = REQUEST_SESSION.get()
    if session is not None:  # what the values read is not held while the endpoint awaits
        end_read(session)
    return resolved


def _resolving_first(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """An `async def` endpoint's deferred values, resolved in one hop before it runs."""

    @functools.wraps(endpoint)
    async def resolving(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(v, InEndpointHop) for v in kwargs.values()):
            kwargs = await run_in_threadpool(_resolved_then_end_read, kwargs)
        return await endpoint(*args, **kwargs)

    return resolving


def _ending_read(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint and the end of its read in one thread hop, behind an `async def` (FastAPI
    reads the parameters through `functools.wraps`). Being a coroutine to FastAPI, its result is
    then validated on the event loop, not in a third hop: Pydantic's validation of a page is
    microseconds of compiled code, a hop was a tenth of a small read's CPU, and under load a
    wait for a thread beside every other request's."""

    def run(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **_resolved(kwargs))
        session = REQUEST_SESSION.get()
        if session is not None:
            end_read(session)
        return result

    @functools.wraps(endpoint)
    async def in_one_hop(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(run, *args, **kwargs)

    return in_one_hop


class ReadEndingRoute(APIRoute):
    """An `APIRoute` whose plain (threaded) endpoint resolves its `InEndpointHop` values and
    ends the request session's read on return, in one hop. An `async def` endpoint does not
    read the database on the event loop: its deferred values are resolved in a hop first."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.iscoroutinefunction(endpoint):
            endpoint = _resolving_first(endpoint)
        else:
            endpoint = _ending_read(endpoint)
        super().__init__(path, endpoint, **kwargs)
