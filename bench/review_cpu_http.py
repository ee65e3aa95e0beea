"""CPU per request of a few review operations through a real server (one uvicorn process,
`review_http.Server`) and loopback HTTP, one reviewer at a time: no contention, so what one
request costs the API process and PostgreSQL. Best of `--batches` batches of `--n` (a batch
slowed by other work on a shared machine is dropped, not averaged in); CPU is read from /proc
in 10 ms ticks, so a batch of 40 resolves 0.25 ms. Reuses the database `bench_review.py`
filled (claims of earlier runs are given back first).

    .venv/bin/python bench/review_cpu_http.py [--db-url URL] [--n 40] [--batches 6]
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_review import DEFAULT_URL, release_claims, token
from review_http import PREFIX, Client, Server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db-url", default=os.environ.get("BENCH_REVIEW_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--batches", type=int, default=6)
    args = parser.parse_args()
    release_claims(args.db_url)
    print(f"load average {os.getloadavg()[0]:.2f}; best of {args.batches} batches of {args.n}")
    print("\n| operation | API CPU ms (best batch) | all batches | PostgreSQL CPU ms (same) |")
    print("|---|---:|---|---:|")
    with Server(args.db_url, workers=1) as server:
        me = Client(server.port, token(4))
        ids = [r["id"] for r in json.loads(me.get(f"{PREFIX}/queue?limit=200")[2])]
        operations = {
            "GET /healthz": lambda: me.get("/healthz"),
            "GET /reasons (authenticated, trivial)": lambda: me.get(f"{PREFIX}/reasons"),
            "GET /items/{id} (detail)": lambda: me.get(f"{PREFIX}/items/{random.choice(ids)}"),
            "POST /queue/next (claim + detail)": lambda: me.request("POST", f"{PREFIX}/queue/next"),
            "GET /queue (first page)": lambda: me.get(f"{PREFIX}/queue"),
        }
        for call in operations.values():  # warm: connection open, statements prepared
            for _ in range(20):
                call()
        for name, call in operations.items():
            batches = []
            for _ in range(args.batches):
                before = server.cpu()
                for _ in range(args.n):
                    call()
                api, db = server.cpu().since(before)
                batches.append((api / args.n, db / args.n))
            best = min(batches)
            spread = " ".join(f"{a:.1f}" for a, _ in sorted(batches))
            print(f"| {name} | {best[0]:.2f} | {spread} | {best[1]:.2f} |")


if __name__ == "__main__":
    main()
