"""An API process runs its blocking work on FAMILYBOOK_API_THREADS threads, not AnyIO's 40:
under one interpreter lock, 40 requests each a few statements from done mostly wait for one
another (bench/api_threads_ab.txt)."""

import dataclasses

import anyio
from fastapi.testclient import TestClient

from familybook.app import create_app
from usecases.runtime import Runtime


async def _threads() -> int:
    return int(anyio.to_thread.current_default_thread_limiter().total_tokens)


def test_the_api_runs_on_the_configured_number_of_threads(rt: Runtime):
    settings = rt.settings.model_copy(update={"api_threads": 3})
    app = create_app(dataclasses.replace(rt, settings=settings), run_workers=False)
    with TestClient(app) as client:
        assert client.portal.call(_threads) == 3


def test_the_default_is_eight_threads(rt: Runtime):
    with TestClient(create_app(rt, run_workers=False)) as client:
        assert client.portal.call(_threads) == 8
