"""Run dramatiq workers and the sweeper in this process (embedded mode, `familybook worker`)."""

import logging
from collections.abc import Iterable

from dramatiq import Worker
from dramatiq.brokers.stub import StubBroker

from moderation.ocr.engine import use_engine
from usecases.runtime import Runtime
from workers.broker import QUEUES
from workers.heartbeat import HeartbeatThread
from workers.queues import BrokerQueues
from workers.sweeper import SweeperThread

log = logging.getLogger(__name__)

#: How long an idle worker thread waits for a message before looking again, milliseconds.
#: Stopping a pool waits up to this long per thread (tests pass a shorter one).
DEFAULT_POLL_MS = 500


class WorkerPool:
    def __init__(
        self,
        rt: Runtime,
        *,
        threads: int = 2,
        queues: Iterable[str] = QUEUES,
        sweeper: bool = True,
        poll_ms: int = DEFAULT_POLL_MS,
        heartbeat: bool = False,
    ) -> None:
        assert isinstance(rt.queues, BrokerQueues), "the runtime has no broker attached"
        queues = tuple(queues)
        self.rt = rt
        self.broker = rt.queues.broker
        self.worker = Worker(
            self.broker, worker_threads=threads, queues=set(queues), worker_timeout=poll_ms
        )
        # Low prefetch (dramatiq's default is 2 per thread): a long OCR message waiting in one
        # worker's buffer is invisible to the others, and may be re-delivered if heartbeats
        # lapse (PITFALLS.md). The attribute is read when consumers start.
        self.worker.queue_prefetch = threads
        self.sweeper = SweeperThread(rt) if sweeper else None
        # A separate worker process reports that it lives (`familybook workers`).
        self.heartbeat = HeartbeatThread(rt, self.worker, ",".join(queues)) if heartbeat else None

    def start(self) -> None:
        use_engine(self.rt.settings.ocr_engine, self.rt.settings.ocr_children)
        self.worker.start()
        if self.sweeper is not None:
            self.sweeper.start()
        if self.heartbeat is not None:
            self.heartbeat.start()
        log.info("workers started on %s", type(self.broker).__name__)

    def stop(self, timeout_ms: int = 10_000) -> None:
        if self.sweeper is not None:
            self.sweeper.stop()
        if self.heartbeat is not None:
            self.heartbeat.stop()
        self.worker.stop(timeout=timeout_ms)
        # dramatiq never removes a stopped worker's middleware from the broker; a later pool in
        # the same process (tests, restarts) would otherwise run beside a ghost.
        self.broker.middleware[:] = [
            m for m in self.broker.middleware if getattr(m, "worker", None) is not self.worker
        ]

    def join(self) -> None:
        """Wait until the in-process queues are empty (tests, embedded mode)."""
        assert isinstance(self.broker, StubBroker)
        for queue in QUEUES:
            self.broker.join(queue, fail_fast=True)
        self.worker.join()
