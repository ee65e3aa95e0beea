"""Does `POST /api/v1/accounts/password-reset` take as long for a stranger's email as for a
registered one? (It must not tell them apart, by its answer or by its time.)

    .venv/bin/python bench/bench_reset_timing.py [--n 200] [--database-url URL]

Runs the app in-process (TestClient, no workers: the email stays in the outbox) on a SQLite
file in a temporary directory, or on `--database-url` (its tables are created by migration;
use a scratch database). Each request uses a fresh address (the throttle counts per address);
half belong to accounts, interleaved. Prints the median and p90 of each, and their difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="requests of each kind")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="fb-bench-reset-")
    os.environ["FAMILYBOOK_DATA_DIR"] = data
    os.environ.pop("FAMILYBOOK_REDIS_URL", None)
    os.environ["FAMILYBOOK_DATABASE_URL"] = args.database_url

    from fastapi.testclient import TestClient

    from familybook.app import create_app
    from familybook.bootstrap import build_runtime
    from storage.migrate import upgrade
    from storage.models import Account

    rt = build_runtime()
    upgrade(rt.settings.database_url)
    run = datetime.now(UTC).strftime("%H%M%S%f")
    with rt.db.session() as session:
        for i in range(args.n):
            email = f"known-{run}-{i}@example.com"
            session.add(
                Account(
                    name="王小明",
                    national_id="A223456789",
                    email=email,
                    email_key=email,
                    birth_date=date(1985, 2, 3),
                    mobile="0912345678",
                    password_hash="!bench",
                    consent_version="2024-01",
                    consented_at=datetime.now(UTC),
                )
            )
        session.commit()
    times: dict[str, list[float]] = {"registered": [], "stranger": []}
    with TestClient(create_app(rt, run_workers=False)) as client:
        for i in range(args.n):
            for kind, email in (
                ("registered", f"known-{run}-{i}@example.com"),
                ("stranger", f"nobody-{run}-{i}@example.com"),
            ):
                start = time.perf_counter()
                r = client.post("/api/v1/accounts/password-reset", json={"email": email})
                times[kind].append((time.perf_counter() - start) * 1000)
                assert r.status_code == 202, r.text
    print(f"backend: {rt.settings.database_url.split(':')[0]}, {args.n} requests of each kind")
    print("| email | median ms | p90 ms |\n|---|---|---|")
    for kind, values in times.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"| {kind} | {statistics.median(values):.2f} | {p90:.2f} |")
    diff = statistics.median(times["registered"]) - statistics.median(times["stranger"])
    print(f"difference of medians: {diff:.2f} ms")


if __name__ == "__main__":
    main()
