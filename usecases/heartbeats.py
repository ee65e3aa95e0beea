"""Worker liveness (issue 13): each worker process renews its row while its threads live;
operators list them, and a container's healthcheck asks whether its own row is fresh."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from storage.models import WorkerHeartbeat, utcnow
from usecases.runtime import Runtime
from usecases.transaction import transaction

#: Rows not renewed for this long belong to processes long gone and are removed.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class WorkerSeen:
    id: str
    host: str
    pid: int
    queues: str
    started_at: datetime
    beat_at: datetime


def beat(rt: Runtime, *, host: str, pid: int, queues: str) -> None:
    """Renew this process's row (one short transaction)."""
    now = utcnow()
    with transaction(rt) as work:
        session = work.session
        row = session.get(WorkerHeartbeat, f"{host}:{pid}")
        if row is None:
            row = WorkerHeartbeat(id=f"{host}:{pid}", host=host, pid=pid, started_at=now)
            session.add(row)
        row.queues, row.beat_at = queues, now
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))


def stop(rt: Runtime, *, host: str, pid: int) -> None:
    """A process that ends cleanly says so: it is not mistaken for a dead one."""
    with transaction(rt) as work:
        work.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.id == f"{host}:{pid}"))


def workers_seen(rt: Runtime, *, host: str | None = None) -> list[WorkerSeen]:
    with rt.db.session() as session:
        query = select(WorkerHeartbeat).order_by(WorkerHeartbeat.host, WorkerHeartbeat.pid)
        if host is not None:
            query = query.where(WorkerHeartbeat.host == host)
        return [
            WorkerSeen(r.id, r.host, r.pid, r.queues, r.started_at, r.beat_at)
            for r in session.scalars(query)
        ]
