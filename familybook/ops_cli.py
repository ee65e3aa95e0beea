"""Operators' commands (issue 13, API.md: Operations): workers' liveness, ... Added to the
`familybook` parser by `familybook.cli`."""

import argparse
import json
import socket
import sys
from datetime import UTC, datetime
from typing import Any

from familybook.preflight import command_runtime

SubParsers = argparse._SubParsersAction  # type: ignore[type-arg]


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain text table, each column as wide as its widest cell."""
    cells = [
        [str(row.get(c, "") if row.get(c) is not None else "") for c in columns] for row in rows
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)


def _workers(args: argparse.Namespace) -> None:
    from usecases.heartbeats import workers_seen

    now = datetime.now(UTC)
    host = socket.gethostname() if args.check_alive is not None else None
    with command_runtime() as rt:
        seen = workers_seen(rt, host=host)
    rows = [
        {
            "worker": w.id,
            "queues": w.queues,
            "up_s": int((now - w.started_at).total_seconds()),
            "last_beat_s": int((now - w.beat_at).total_seconds()),
        }
        for w in seen
    ]
    if args.check_alive is not None:
        # A container's healthcheck: this host has a worker whose beat is fresh enough.
        fresh = [r for r in rows if r["last_beat_s"] <= args.check_alive]
        print(f"{len(fresh)} live worker(s) on {host}")
        sys.exit(0 if fresh else 1)
    print(json.dumps(rows, indent=2) if args.json else table(rows, list(rows[0]) if rows else []))


def add_commands(sub: SubParsers) -> None:
    workers = sub.add_parser("workers", help="worker processes and their last heartbeat")
    workers.add_argument(
        "--check-alive",
        type=int,
        metavar="SECONDS",
        help="exit 1 unless a worker on this host beat within SECONDS (a healthcheck)",
    )
    workers.add_argument("--json", action="store_true")
    workers.set_defaults(func=_workers)
