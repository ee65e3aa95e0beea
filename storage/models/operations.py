"""What the running system says about itself (issue 13): worker heartbeats."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class WorkerHeartbeat(Base):
    """One row per worker process, renewed while its threads are alive: `familybook workers`
    lists them and a container's healthcheck asks whether its own is fresh."""

    __tablename__ = "worker_heartbeats"
    #: host:pid, unique while the process lives.
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200), index=True)
    pid: Mapped[int] = mapped_column(Integer)
    queues: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
