"""The worker process's heartbeat thread (issue 13): every interval, if every dramatiq consumer
and worker thread is alive, renew this process's row. A wedged or half-dead process stops
beating, and its container's healthcheck (`familybook workers --check-alive`) fails."""

import logging
import os
import socket
import threading

from dramatiq import Worker

from usecases import heartbeats
from usecases.runtime import Runtime

log = logging.getLogger(__name__)

#: Seconds between beats; healthchecks allow a few missed ones.
HEARTBEAT_INTERVAL_S = 15


class HeartbeatThread(threading.Thread):
    def __init__(self, rt: Runtime, worker: Worker, queues: str) -> None:
        super().__init__(name="familybook-heartbeat", daemon=True)
        self._rt, self._worker, self._queues = rt, worker, queues
        self._stop_event = threading.Event()
        self.host, self.pid = socket.gethostname(), os.getpid()

    def threads_alive(self) -> bool:
        threads = [*self._worker.workers, *self._worker.consumers.values()]
        return bool(threads) and all(t.is_alive() for t in threads)

    def run(self) -> None:
        while True:
            if self.threads_alive():
                try:
                    heartbeats.beat(self._rt, host=self.host, pid=self.pid, queues=self._queues)
                except Exception:  # the database blipped: the next beat tries again
                    log.warning("heartbeat not written", exc_info=True)
            else:
                log.error("a worker thread died: no heartbeat until the process is restarted")
            if self._stop_event.wait(HEARTBEAT_INTERVAL_S):
                return

    def stop(self) -> None:
        self._stop_event.set()
        try:
            heartbeats.stop(self._rt, host=self.host, pid=self.pid)
        except Exception:
            log.warning("heartbeat row not removed", exc_info=True)
