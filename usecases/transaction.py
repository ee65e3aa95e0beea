"""One use case, one transaction: committed here, and only then the workers are woken."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from core.metrics import SUBMISSIONS
from storage.transitions import MOVES_KEY
from usecases.runtime import Runtime


class UnitOfWork:
    """A session, and the wake-ups to send once what they point at is committed (a worker
    woken before the commit could find nothing, or an email that is then rolled back)."""

    def __init__(self, rt: Runtime, session: Session) -> None:
        self.rt = rt
        self.session = session
        self._after_commit: list[Callable[[], object]] = []

    def wake_check(self, attempt_id: str) -> None:
        self._after_commit.append(lambda: self.rt.queues.wake_check(attempt_id))

    def wake_ocr(self, attempt_id: str, *, post: bool = False) -> None:
        self._after_commit.append(lambda: self.rt.queues.wake_ocr(attempt_id, post=post))

    def wake_email(self, outbox_id: str | None) -> None:
        if outbox_id is not None:
            self._after_commit.append(lambda: self.rt.queues.wake_email(outbox_id))

    def commit(self) -> None:
        self.session.commit()
        for kind, outcome in self.session.info.pop(MOVES_KEY, []):
            SUBMISSIONS.labels(kind, outcome).inc()
        pending, self._after_commit = self._after_commit, []
        for wake in pending:
            wake()

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.pop(MOVES_KEY, None)
        self._after_commit.clear()


@contextmanager
def transaction(rt: Runtime) -> Iterator[UnitOfWork]:
    """Committed when the block ends normally, rolled back (nothing woken) otherwise."""
    with rt.db.session() as session:
        work = UnitOfWork(rt, session)
        try:
            yield work
        except BaseException:
            work.rollback()
            raise
        work.commit()


def end_read(session: Session) -> None:
    """End a request's read so far, handing its connection back to the pool; the session's
    objects stay loaded (expire_on_commit=False) and its next query starts a new transaction.
    Why: FastAPI runs each plain dependency, the endpoint and the validation of its result in
    separate thread-pool hops, and a connection held while a request waits for its next hop
    lets 200 families wedge the API — every pool thread waiting for a connection that requests
    waiting for a thread hold (seen in bench_load: 60 s timeouts, an idle CPU). Changes not
    yet saved are a use case's to commit or drop, never a reader's: then nothing is ended."""
    if session.new or session.dirty or session.deleted:
        return
    session.commit()
