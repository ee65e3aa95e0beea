"""Operators' commands (issue 13, API.md: Operations): workers' liveness, ... Added to the
`familybook` parser by `familybook.cli`."""

import argparse
import json
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config_errors import ConfigError
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


def _progress_bar(done: int, total: int) -> None:
    """On a terminal only: a log file or a pipe gets the summary, not 200 carriage returns."""
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def inmates_import(args: argparse.Namespace) -> None:
    from moderation.errors import InvalidInput
    from moderation.roster import read_roster
    from usecases.roster_import import apply_plan, plan_import

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {args.file}: {exc.strerror}") from None
    roster = read_roster(data, args.encoding)
    with command_runtime() as rt:
        try:
            plan = plan_import(rt, args.code, roster)
        except InvalidInput as exc:
            for problem in exc.extra.get("problems", []):  # every bad line, then the summary
                print(problem, file=sys.stderr)
            raise
        counts = plan.counts()
        if not args.dry_run:
            progress = _progress_bar if sys.stderr.isatty() else None
            counts = apply_plan(
                rt, plan, mark_missing_released=args.mark_missing_released, progress=progress
            )
    said = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"{'dry run, nothing written: ' if args.dry_run else ''}{said} ({roster.encoding})")


def roster_options(imp: argparse.ArgumentParser) -> None:
    from moderation.roster import ENCODINGS

    imp.add_argument("--encoding", choices=ENCODINGS, default="auto")
    imp.add_argument(
        "--dry-run", action="store_true", help="print added/updated/unchanged/removed only"
    )
    imp.add_argument(
        "--mark-missing-released",
        action="store_true",
        help="the file is the full roster: inmates it does not list are marked released",
    )
    imp.set_defaults(func=inmates_import)


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
