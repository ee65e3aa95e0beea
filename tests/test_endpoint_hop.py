"""A dependency that blocks (the staff member behind a token) is computed in the endpoint's own
thread hop, not in one of its own (`web.routing.InEndpointHop`): a hop per dependency was a
quarter of a claim's CPU."""

import threading
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException
from fastapi.testclient import TestClient

from web.routing import InEndpointHop, ReadEndingRoute


@dataclass(frozen=True)
class _Lookup(InEndpointHop):
    name: str

    def resolve(self) -> dict[str, Any]:
        if self.name == "nobody":
            raise HTTPException(status_code=401, detail="unknown")
        return {"name": self.name, "thread": threading.get_ident()}


async def _who(name: str = "amei") -> dict[str, Any]:
    return _Lookup(name)  # type: ignore[return-value]  # resolved before the endpoint runs


Who = Annotated[dict[str, Any], Depends(_who)]


def _app() -> FastAPI:
    app = FastAPI()
    app.router.route_class = ReadEndingRoute

    @app.get("/plain")
    def plain(who: Who) -> dict[str, Any]:
        return {"who": who["name"], "same_thread": who["thread"] == threading.get_ident()}

    @app.get("/coroutine")
    async def coroutine(who: Who) -> dict[str, Any]:
        return {"who": who["name"], "on_the_loop": who["thread"] != threading.get_ident()}

    return app


def test_a_plain_endpoint_gets_the_value_computed_in_its_own_thread():
    with TestClient(_app()) as client:
        assert client.get("/plain").json() == {"who": "amei", "same_thread": True}


def test_an_async_endpoint_gets_the_value_computed_in_a_worker_thread():
    with TestClient(_app()) as client:
        assert client.get("/coroutine").json() == {"who": "amei", "on_the_loop": True}


def test_an_error_while_resolving_is_answered_as_the_dependency_would_have():
    with TestClient(_app()) as client:
        assert client.get("/plain?name=nobody").status_code == 401
        assert client.get("/coroutine?name=nobody").status_code == 401
