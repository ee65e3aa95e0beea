"""The review API measured as deployed, for `bench_review.py`: a real server (`uvicorn
--workers 2`, one process per core of this machine) in processes of its own, reached over
loopback HTTP by a client in the bench process (plain `http.client`, one kept-alive connection
per reviewer, so the client adds little CPU of its own).

CPU per request is counted where it is spent: the API's processes (the uvicorn master and its
workers, from /proc) and the PostgreSQL backends serving the bench database; the client's own
CPU is not in either.
"""

import http.client
import json
import os
import random
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PREFIX = "/review/v1"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")

Row = tuple[str, float, float, float, float, str]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def _cpu_ms(pid: int) -> float:
    """User + system CPU of one process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def _tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's master and its worker processes)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


class Server:
    """The review API under uvicorn with N worker processes (`review_server.main`) on a free
    loopback port; stopped by its process id (SIGTERM to the supervisor, which stops its
    workers)."""

    def __init__(self, db_url: str, workers: int = 2) -> None:
        self.db_url, self.workers = db_url, workers
        self.log = Path(tempfile.mkdtemp(prefix="bench-review-api-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        # The database's own processes: its backends for this database, read by pid.
        self._db = create_engine(db_url, pool_size=1)

    def __enter__(self) -> "Server":
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYBOOK_")}
        env |= {
            "FAMILYBOOK_DATABASE_URL": self.db_url,
            "FAMILYBOOK_DATA_DIR": str(self.log),
            # Enough connections for 10 reviewers at once in one process, and no overflow
            # connections (closed after use: their backends' CPU would leave the count).
            "FAMILYBOOK_DB_POOL_SIZE": "12",
            "FAMILYBOOK_DB_MAX_OVERFLOW": "0",
            "PYTHONUNBUFFERED": "1",
        }
        # uvicorn with N worker processes (`review_server.main`: `uvicorn --workers N`, with
        # Nagle's algorithm off as a single uvicorn process has it).
        cmd = [sys.executable, str(BENCH / "review_server.py"), "--port", str(self.port)]
        cmd += ["--workers", str(self.workers)]
        with open(self.log / "api.log", "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 60
            # uvicorn runs one worker in its own process, more under a supervising one
            processes = 1 + self.workers if self.workers > 1 else 1
            while len(_tree(self.proc.pid)) < processes or not self._healthy():
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = (self.log / "api.log").read_text()
                    raise RuntimeError(f"the API did not start: {log}")
                time.sleep(0.2)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _healthy(self) -> bool:
        try:
            return Client(self.port, "").get("/healthz")[1] == 200
        except OSError:
            return False

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._db.dispose()

    def cpu(self) -> "Cpu":
        """CPU ms so far of the API's processes and of each database backend serving it."""
        api = sum(_cpu_ms(p) for p in _tree(self.proc.pid))
        with self._db.connect() as conn:
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            return Cpu(api, {p: _cpu_ms(p) for p in pids})


@dataclass(frozen=True)
class Cpu:
    api: float
    backends: dict[int, float]

    def since(self, before: "Cpu") -> tuple[float, float]:
        """API and database CPU ms between two readings; a backend started in between counts
        from zero. The API keeps its connections (no overflow: `Server`), so none ends."""
        db = sum(ms - before.backends.get(pid, 0.0) for pid, ms in self.backends.items())
        return self.api - before.api, db


class Client:
    """One reviewer's kept-alive connection."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str) -> tuple[float, int, bytes]:
        """Wall ms from sending the request to the last byte of the answer, status, body."""
        if self.conn.sock is not None and _closed_by_peer(self.conn.sock):
            self.conn.close()  # uvicorn closed it after its keep-alive timeout: open another
        start = time.perf_counter()
        self.conn.request(method, quote(path, safe="/?=&%:"), headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        return (time.perf_counter() - start) * 1000, response.status, body

    def get(self, path: str) -> tuple[float, int, bytes]:
        return self.request("GET", path)


def _closed_by_peer(sock: socket.socket) -> bool:
    """An idle kept-alive connection the server has closed reads as end of file."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""


def series(server: Server, client: Client, n: int, name: str, path_of, note: str = "") -> Row:
    """`n` sequential GETs by one reviewer: wall p50/p99, CPU per request."""
    for k in range(5):  # warm both worker processes: plans cached, connections open
        client.get(path_of(k))
    samples = []
    before = server.cpu()
    for k in range(n):
        ms, status, body = client.get(path_of(k))
        assert status == 200, body[:500]
        samples.append(ms)
    api, db = server.cpu().since(before)
    return (name, *percentiles(samples), api / n, db / n, note)


def reviewers_at_once(
    server: Server, tokens: list[str], rounds: int, *, together: bool, think_s: float = 0.0
) -> tuple[Row, list[str]]:
    """`len(tokens)` reviewers each claiming `rounds` items. `together`: in rounds, all firing
    at the same moment and each waiting for all before the next round (reviewers opening their
    next item); otherwise each on their own, firing again as soon as they have their answer
    (with `think_s`: after a random pause of up to that long, reviewers working side by side;
    without: a closed loop with no think time, a stress test, not a day of review)."""
    barrier = threading.Barrier(len(tokens))
    started: list[float] = []
    finished: list[float] = []
    lock = threading.Lock()

    def reviewer(token: str) -> tuple[list[float], list[bytes]]:
        client = Client(server.port, token)
        samples, bodies = [], []
        for _ in range(rounds):
            if together:
                barrier.wait()
            elif think_s:
                time.sleep(random.uniform(0, think_s))
            t0 = time.perf_counter()
            ms, status, body = client.request("POST", f"{PREFIX}/queue/next")
            assert status == 200, body[:500]
            with lock:
                started.append(t0)
                finished.append(t0 + ms / 1000)
            samples.append(ms)
            bodies.append(body)
        return samples, bodies

    before = server.cpu()
    wall = time.perf_counter()
    results = _run_threads(reviewer, tokens)
    wall = time.perf_counter() - wall
    api, db = server.cpu().since(before)
    got = [json.loads(b)["id"] for _, bodies in results for b in bodies]
    assert len(got) == len(set(got)), "an item was claimed twice"
    samples = [ms for s, _ in results for ms in s]
    count = len(samples)
    note = f"{len(tokens)} reviewers x {rounds}; {count} claims, none twice; "
    note += f"{count / wall:.0f} claims/s"
    if together:
        name = f"POST /queue/next ({len(tokens)} reviewers at the same moment, {rounds} rounds)"
        note += "; round (until the last of the 10 has its item) p50/p99 "
        rounds_ms = _round_lengths(started, finished, len(tokens))
        note += "/".join(f"{v:.0f}" for v in percentiles(rounds_ms)) + " ms"
    elif think_s:
        name = f"POST /queue/next, {len(tokens)} reviewers side by side, 0-{think_s:g} s apart"
    else:
        name = f"POST /queue/next, STRESS: {len(tokens)} back to back (closed loop, no think time)"
    row = (name, *percentiles(samples), api / count, db / count, note)
    return row, got


def _run_threads(target: Callable, args: list[str]) -> list:
    results: list = [None] * len(args)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = target(args[i])
        except BaseException as exc:  # said in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def _round_lengths(started: list[float], finished: list[float], size: int) -> list[float]:
    """Each round's length: from its first request sent to its last answer received."""
    pairs = sorted(zip(started, finished, strict=True))
    return [
        (max(f for _, f in pairs[i : i + size]) - pairs[i][0]) * 1000
        for i in range(0, len(pairs), size)
    ]
