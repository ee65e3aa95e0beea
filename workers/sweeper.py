"""The sweeper's thread: `usecases.sweeping.sweep` every interval, outliving database blips."""

import logging
import threading

from usecases.runtime import Runtime
from usecases.sweeping import sweep

log = logging.getLogger(__name__)


class SweeperThread(threading.Thread):
    def __init__(self, rt: Runtime) -> None:
        super().__init__(name="familybook-sweeper", daemon=True)
        self._rt, self._stop_event = rt, threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self._rt.settings.sweep_interval_s):
            try:
                sweep(self._rt)
            except Exception:  # the sweeper must outlive a database blip
                log.exception("sweep failed; trying again next interval")

    def stop(self) -> None:
        self._stop_event.set()
