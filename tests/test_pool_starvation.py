"""Many families at once never wedge the API on its connection pool (issue 13's load benchmark).

FastAPI runs a plain endpoint in one thread-pool hop and validates its result in another. A
request that kept its connection between the two, while every pool thread held a request waiting
for a connection, stopped the API with an idle CPU until the pool's timeout. Here the pool has
one connection and the thread pool three threads, so the cycle, if it exists, forms at once.
"""

import asyncio
import dataclasses
from collections.abc import Iterator

import anyio
import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import Mount

from familybook.app import create_app
from storage.db import Database
from tests.support import flow
from usecases.runtime import Runtime
from web.deps import get_session
from web.routing import ReadEndingRoute


@pytest.fixture
def one_connection(rt: Runtime) -> Iterator[Runtime]:
    db = Database(rt.settings.database_url, pool_size=1, max_overflow=0)
    db.engine.pool._timeout = 5  # type: ignore[attr-defined]  # a wedge fails in 5 s, not 30
    try:
        yield dataclasses.replace(rt, db=db)
    finally:
        db.dispose()


async def _read_at_once(app: object, headers: dict[str, str], count: int) -> list[int]:
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = 3
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        paths = ["/api/v1/me", "/api/v1/applications", "/api/v1/posts", "/api/v1/institutions"]
        replies = await asyncio.wait_for(
            asyncio.gather(
                *(client.get(paths[i % len(paths)], headers=headers) for i in range(count))
            ),
            timeout=60,
        )
    return [reply.status_code for reply in replies]


def test_forty_reads_at_once_through_one_connection_all_answer(
    client: object, mail: object, one_connection: Runtime
) -> None:
    fam = flow.family(client, mail, "many@example.com")  # type: ignore[arg-type]
    app = create_app(one_connection, run_workers=False)

    statuses = asyncio.run(_read_at_once(app, fam.headers, 40))

    assert statuses == [200] * 40


def _api_routes(app: object) -> Iterator[APIRoute]:
    for route in getattr(app, "routes", []):
        if isinstance(route, APIRoute):
            yield route
        elif isinstance(route, Mount):
            yield from _api_routes(route.app)
        elif hasattr(route, "original_router"):  # FastAPI's record of an included router
            yield from _api_routes(route.original_router)


def _reads_the_session(dependant: Dependant) -> bool:
    return any(d.call is get_session or _reads_the_session(d) for d in dependant.dependencies)


def test_every_route_that_reads_the_request_session_ends_its_read(rt: Runtime) -> None:
    routes = [
        r for r in _api_routes(create_app(rt, run_workers=False)) if _reads_the_session(r.dependant)
    ]

    assert len(routes) > 50
    assert [r.path for r in routes if not isinstance(r, ReadEndingRoute)] == []
