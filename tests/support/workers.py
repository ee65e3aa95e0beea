"""Real dramatiq workers for the tests, on whichever broker the backend uses."""

from collections.abc import Iterator

import pytest

from workers.runner import WorkerPool


@pytest.fixture
def workers() -> Iterator[WorkerPool]:
    pool = WorkerPool(threads=2, sweeper=False)
    pool.start()
    yield pool
    pool.stop()
