"""CPU per request of the families' reads through a real server (`familybook serve`, one
process) on PostgreSQL, one family at a time over loopback HTTP: no contention, so what one
request costs the API process, PostgreSQL and the bench's own client. Best of `--batches`
batches of `--n` (a batch slowed by other work on a shared machine is dropped, not averaged
in); CPU is read from /proc in 10 ms ticks, so a batch of 200 resolves 0.05 ms.

    .venv/bin/python bench/family_cpu_http.py --database-url URL [--n 200] [--batches 5]

The database is wiped and filled as `bench_load.py` does (one served family).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_load import CODE, PASSWORD, _cpu_of, _environment, _fresh_schema, seed  # noqa: E402


def _operations(http: object, callsign: str) -> dict[str, Callable[[], object]]:
    get = http.get  # type: ignore[attr-defined]
    return {
        "GET /healthz (no session, no database)": lambda: get("/healthz"),
        "GET /api/v1/me": lambda: get("/api/v1/me"),
        "GET /api/v1/applications": lambda: get("/api/v1/applications"),
        "GET /api/v1/posts": lambda: get("/api/v1/posts"),
        "GET inmate": lambda: get(f"/api/v1/institutions/{CODE}/inmates/{callsign}"),
    }


def _measure(call: Callable[[], object], api_pid: int, n: int, batches: int) -> list[tuple]:
    results = []
    for _ in range(batches):
        before = _cpu_of({"API": api_pid})
        started = time.perf_counter()
        for _ in range(n):
            call()
        wall = time.perf_counter() - started
        after = _cpu_of({"API": api_pid})
        used = {k: (after[k] - before[k]) * 1000 / n for k in after}
        results.append((used["API"], used["PostgreSQL"], used["client"], wall * 1000 / n))
    return sorted(results)


def main() -> None:
    import httpx

    from familybook.bootstrap import build_runtime
    from tests.faults.procs import Processes, free_port
    from tests.support.mail import MailSink

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), required=True)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--batches", type=int, default=5)
    args = p.parse_args()
    data = Path(tempfile.mkdtemp(prefix="familybook-bench-"))
    mail, redis_port = MailSink(), free_port()
    _environment(args, data, redis_port, mail.port)
    procs = Processes(data)
    try:
        procs.redis(redis_port)
        rt = build_runtime(broker=False)
        _fresh_schema(rt)
        fam = seed(rt, 1, 0)[0]
        api, url = procs.api(processes=1)
        with httpx.Client(base_url=url, timeout=30) as http:
            r = http.post("/api/v1/sessions", json={"email": fam["email"], "password": PASSWORD})
            http.headers["authorization"] = f"Bearer {r.json()['token']}"
            ops = _operations(http, fam["callsign"])
            for call in ops.values():  # warm: connections open, statements prepared
                for _ in range(30):
                    call()
            print(f"load average {os.getloadavg()[0]:.2f}; best of {args.batches} batches of "
                  f"{args.n}, one request at a time")  # fmt: skip
            print("\n| operation | API CPU ms | PostgreSQL CPU ms | client CPU ms | wall ms |")
            print("|---|---:|---:|---:|---:|")
            for name, call in ops.items():
                best = _measure(call, api.pid, args.n, args.batches)[0]
                print(f"| {name} | {best[0]:.2f} | {best[1]:.2f} | {best[2]:.2f} | {best[3]:.2f} |")
    finally:
        procs.stop_all()
        mail.stop()


if __name__ == "__main__":
    main()
