"""Rows set up or changed by a test, straight in the database (committed at the block's end)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from usecases.runtime import Runtime
from usecases.transaction import transaction


@contextmanager
def writing(rt: Runtime) -> Iterator[Session]:
    with transaction(rt) as work:
        yield work.session
