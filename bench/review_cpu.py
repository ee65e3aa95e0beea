"""CPU per request of the review API's operations, measured so that a loaded machine disturbs
it least: the same request repeated in batches, the best batch's mean kept (a batch slowed by
other work on the machine is dropped, not averaged in). Also counts the SQL statements per
request. Reuses a database `bench_review.py` filled (run it first; nothing is changed but
claims and audit rows).

    .venv/bin/python bench/review_cpu.py [--db-url URL] [--n 30] [--batches 5] [--profile]

`--profile` (needs `pip install yappi`) prints the top functions by own CPU time per request,
across every thread (the app runs sync routes in a thread pool, so cProfile would miss them).
"""

import argparse
import os
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_review import DEFAULT_URL, token
from sqlalchemy import event

from core.settings import Settings

ME = {"Authorization": f"Bearer {token(1)}"}
OPERATIONS = {
    "GET /queue (first page)": ("GET", lambda ids: "/queue"),
    "GET /queue filtered": (
        "GET",
        lambda ids: "/queue?kind=post&claimed=unclaimed&ocr_state=done&sort=newest",
    ),
    "GET /queue?flag=…": ("GET", lambda ids: "/queue?flag=contains_phone_number"),
    "GET /queue?q=<callsign>": ("GET", lambda ids: f"/queue?q={random.randrange(1, 20000, 5):06d}"),
    "GET /items/{id} (detail)": ("GET", lambda ids: f"/items/{random.choice(ids)}"),
    "GET /items?status=…": ("GET", lambda ids: "/items?status=awaiting_review"),
    "POST /queue/next": ("POST", lambda ids: "/queue/next"),
    "GET /healthz, whole app": ("GET", lambda ids: "/healthz"),
}


def main() -> None:
    warnings.filterwarnings("ignore", message=".*httpx2.*")  # fastapi's TestClient import
    from fastapi.testclient import TestClient

    from familybook.app import create_app
    from familybook.bootstrap import build_runtime

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db-url", default=os.environ.get("BENCH_REVIEW_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--n", type=int, default=30, help="requests per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    rt = build_runtime(
        Settings(database_url=args.db_url, data_dir=Path(tempfile.mkdtemp())), broker=False
    )
    statements: list[str] = []
    event.listen(rt.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"load average {os.getloadavg()[0]:.2f}; best of {args.batches} batches of {args.n}")
    print("\n| operation | CPU ms/request (best batch) | all batches | SQL statements |")
    print("|---|---:|---|---:|")
    with TestClient(create_app(rt, run_workers=False, apis="review")) as client:
        ids = [r["id"] for r in client.get("/review/v1/queue?limit=200", headers=ME).json()]
        for name, (method, path_of) in OPERATIONS.items():
            prefix = "" if path_of(ids) == "/healthz" else "/review/v1"

            def call() -> None:
                r = client.request(method, prefix + path_of(ids), headers=ME)  # noqa: B023
                assert r.status_code == 200, r.text

            call()
            statements.clear()
            call()
            count = len(statements)
            batches = []
            for _ in range(args.batches):
                start = time.process_time()
                for _ in range(args.n):
                    call()
                batches.append((time.process_time() - start) * 1000 / args.n)
            listed = " ".join(f"{b:.1f}" for b in batches)
            print(f"| {name} | {min(batches):.1f} | {listed} | {count} |")
            if args.profile:
                _profile(call, args.n)
    rt.db.dispose()


def _profile(call, n: int) -> None:
    import yappi

    yappi.clear_stats()
    yappi.set_clock_type("cpu")
    yappi.start()
    for _ in range(n):
        call()
    yappi.stop()
    stats = yappi.get_func_stats()
    stats.sort("tsub")
    for f in list(stats)[:15]:
        where = f"{f.module.split('site-packages/')[-1]}:{f.lineno} {f.name}"
        print(f"    {f.tsub * 1000 / n:6.2f} ms own {f.ncall / n:6.1f} calls  {where}")


if __name__ == "__main__":
    main()
