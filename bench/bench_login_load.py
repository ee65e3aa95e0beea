"""GET /me latency while clients send bogus logins (issue 12, finding 3), at production
argon2 cost, on SQLite or PostgreSQL; and the server's memory under one 150 MiB login.

    .venv/bin/python bench/bench_login_load.py [--database-url URL] [--clients 6] [--seconds 8]

A live uvicorn in this process (no workers), a fresh data dir; with a PostgreSQL URL the
database is emptied first. Every bogus login is checked (the limits are raised for the run),
so each one costs a real argon2id hash.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _setup(url: str | None) -> None:
    data = tempfile.mkdtemp(prefix="fb-bench-login-")
    os.environ.update(
        FAMILYBOOK_DATA_DIR=data,
        FAMILYBOOK_LOGIN_MAX_FAILURES="1000000",
        FAMILYBOOK_LOGIN_PER_ADDRESS="1000000",
        FAMILYBOOK_REGISTER_PER_ADDRESS="1000000",
    )
    for name in ("FAMILYBOOK_REDIS_URL", "FAMILYBOOK_ARGON2_TIME_COST", "FAMILYBOOK_DATABASE_URL"):
        os.environ.pop(name, None)
    if url:
        os.environ["FAMILYBOOK_DATABASE_URL"] = url


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--database-url", default="")
    p.add_argument("--clients", type=int, default=6)
    p.add_argument("--seconds", type=float, default=8.0)
    args = p.parse_args()
    _setup(args.database_url or None)

    import httpx
    from sqlalchemy import MetaData, text, update

    from familybook.bootstrap import build_runtime
    from storage.migrate import upgrade
    from storage.models import Account, utcnow
    from tests.support import flow
    from tests.support.live import JsonStream, live_server, post_streaming
    from usecases.transaction import transaction

    rt = build_runtime(broker=False)
    if args.database_url:
        with rt.db.engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            meta.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(rt.settings.database_url)
    backend = rt.db.engine.dialect.name
    with live_server(rt) as base, httpx.Client(base_url=base, timeout=120) as http:
        assert (
            http.post("/api/v1/accounts", json=flow.registration("me@example.com")).status_code
            == 201
        )
        with transaction(rt) as work:
            work.session.execute(update(Account).values(verified_at=utcnow()))
        login = {"email": "me@example.com", "password": flow.PASSWORD}
        token = http.post("/api/v1/sessions", json=login).json()["token"]
        me = {"Authorization": f"Bearer {token}"}

        def latencies(seconds: float) -> list[float]:
            out, end = [], time.monotonic() + seconds
            while time.monotonic() < end:
                t = time.perf_counter()
                assert http.get("/api/v1/me", headers=me).status_code == 200
                out.append(time.perf_counter() - t)
                time.sleep(0.05)
            return out

        idle = latencies(2)
        stop = threading.Event()
        guesses = [0]

        def guess(i: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as c:
                while not stop.is_set():
                    c.post(
                        "/api/v1/sessions",
                        json={"email": f"x{i}@example.com", "password": "wrong guess"},
                    )
                    guesses[0] += 1

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(1)
        loaded = latencies(args.seconds)
        stop.set()
        for t in threads:
            t.join()
        body = JsonStream(150 * 1024 * 1024)
        status, _ = post_streaming(f"{base}/api/v1/sessions", {}, body)

    def ms(xs: list[float], q: str) -> str:
        v = statistics.median(xs) if q == "median" else max(xs)
        return f"{v * 1000:.0f} ms"

    print(
        f"| backend | GET /me idle (median/max) | with {args.clients} bogus-login clients "
        "(median/max) | logins checked | 150 MiB login |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| {backend} | {ms(idle, 'median')} / {ms(idle, 'max')} | {ms(loaded, 'median')} / "
        f"{ms(loaded, 'max')} | {guesses[0]} | {status}, server took {body.sent / 2**20:.1f} MiB |"
    )


if __name__ == "__main__":
    main()
