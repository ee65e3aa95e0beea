"""Real processes for the fault tests and the fault run: `familybook worker`, `familybook serve`
and a private redis-server, started and always stopped by their process ids."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import redis

ROOT = Path(__file__).resolve().parents[2]
FAMILYBOOK = str(Path(sys.executable).with_name("familybook"))

#: The sweeper every second, re-sending work stuck for two; email retries from one second.
FAST_SWEEP = {
    "FAMILYBOOK_SWEEP_INTERVAL_S": "1",
    "FAMILYBOOK_SWEEP_STUCK_AFTER_S": "2",
    "FAMILYBOOK_OUTBOX_RETRY_BASE_S": "1",
    # An OCR claim not renewed for three seconds is a dead worker's.
    "FAMILYBOOK_OCR_CLAIM_STALE_AFTER_S": "3",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, poll: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:  # a process still starting, a broker restarting…
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)


class Processes:
    """Every process started here is stopped by `stop_all` (SIGTERM, then SIGKILL)."""

    def __init__(self, log_dir: Path, **env: str) -> None:
        self.log_dir = log_dir
        self.env = {
            **os.environ,
            **FAST_SWEEP,
            "PYTHONUNBUFFERED": "1",
            # Keep a test run's workers off OCR thread storms on small machines.
            "OMP_THREAD_LIMIT": "1",
            # A worker under the idle policy waits behind any other work on the machine (the
            # other backend's pass, anything niced): a test waiting on it would time out.
            # tests/test_worker_priority.py checks the policy itself.
            "FAMILYBOOK_WORKER_SCHED_IDLE": "false",
            **env,
        }
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []

    def _popen(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"{name}-{len(self.procs)}.log", "wb")  # noqa: SIM115
        try:
            proc = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, close_fds=True
            )
        finally:
            log.close()
        self.procs.append((name, proc))
        return proc

    def worker(
        self, threads: int = 2, queues: str = "checks,mail", **env: str
    ) -> subprocess.Popen[bytes]:
        # OCR is left out by default: these tests are about checks and email, and OCR runs on
        # its own workers in production (docker-compose's ocr-worker).
        return self._popen(
            "worker",
            [FAMILYBOOK, "worker", "--threads", str(threads), "--queues", queues],
            {**self.env, **env},
        )

    def api(
        self, port: int | None = None, processes: int = 1, **env: str
    ) -> tuple[subprocess.Popen[bytes], str]:
        port = port or free_port()
        serve = [FAMILYBOOK, "serve", "--host", "127.0.0.1", "--port", str(port)]
        proc = self._popen(
            "api",
            [*serve, "--processes", str(processes)],
            {**self.env, **env},
        )
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            if proc.poll() is not None:
                return True  # died: said below
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200

        wait_until(up, 30, "the API process to listen")
        assert proc.poll() is None, self.tail("api")
        return proc, url

    def redis(self, port: int) -> subprocess.Popen[bytes]:
        proc = self._popen(
            "redis",
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            self.env,
        )
        client = redis.Redis(port=port, socket_timeout=1)
        wait_until(client.ping, 10, f"redis-server on port {port}")
        client.close()
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no shutdown hooks, no acknowledgement, whatever the process was doing."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    @staticmethod
    def stop(proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def stop_all(self) -> None:
        # Workers and the API first (they would otherwise log Redis errors while it stops).
        for _, proc in sorted(self.procs, key=lambda p: p[0] == "redis"):
            with contextlib.suppress(Exception):  # keep stopping the others
                self.stop(proc)
        self.procs.clear()

    def tail(self, name: str = "", lines: int = 40) -> str:
        out = []
        for path in sorted(self.log_dir.glob(f"{name}*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)
