"""Run dramatiq workers and the sweeper in this process (embedded mode, `familybook worker`)."""

import logging
from collections.abc import Iterable

import dramatiq
from dramatiq import Worker

from familybook.runtime import get_runtime
from moderation.ocr.engine import use_engine
from workers import actors
from workers.broker import QUEUES, broker
from workers.sweeper import SweeperThread

log = logging.getLogger(__name__)


class WorkerPool:
    def __init__(
        self, *, threads: int = 2, queues: Iterable[str] = QUEUES, sweeper: bool = True
    ) -> None:
        self.worker = Worker(broker, worker_threads=threads, queues=set(queues), worker_timeout=500)
        # Low prefetch (dramatiq's default is 2 per thread): a long OCR message waiting in one
        # worker's buffer is invisible to the others, and may be re-delivered if heartbeats
        # lapse (PITFALLS.md). The attribute is read when consumers start.
        self.worker.queue_prefetch = threads
        self.sweeper = (
            SweeperThread(
                get_runtime(),
                wake_check=actors.wake_check,
                wake_email=actors.wake_email,
                wake_ocr=actors.wake_ocr,
            )
            if sweeper
            else None
        )

    def start(self) -> None:
        use_engine(get_runtime().settings.ocr_engine)
        self.worker.start()
        if self.sweeper is not None:
            self.sweeper.start()
        log.info("workers started on %s", type(broker).__name__)

    def stop(self, timeout_ms: int = 10_000) -> None:
        if self.sweeper is not None:
            self.sweeper.stop()
        self.worker.stop(timeout=timeout_ms)
        # dramatiq never removes a stopped worker's middleware from the broker; a later pool in
        # the same process (tests, restarts) would otherwise run beside a ghost.
        broker.middleware[:] = [
            m for m in broker.middleware if getattr(m, "worker", None) is not self.worker
        ]

    def join(self) -> None:
        """Wait until the in-process queues are empty (tests, embedded mode)."""
        assert isinstance(broker, dramatiq.brokers.stub.StubBroker)
        for queue in QUEUES:
            broker.join(queue, fail_fast=True)
        self.worker.join()
