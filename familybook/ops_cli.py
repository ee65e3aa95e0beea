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
from usecases.runtime import Runtime

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
    from familybook.staff_cli import operator_actor
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
        counts = plan.counts(mark_missing_released=args.mark_missing_released)
        if not args.dry_run:
            progress = _progress_bar if sys.stderr.isatty() else None
            counts = apply_plan(
                rt,
                plan,
                mark_missing_released=args.mark_missing_released,
                progress=progress,
                actor=operator_actor(),
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
        help="the file is the full roster: inmates it does not list are marked released and "
        "their running services end (reason released; the families are emailed)",
    )
    imp.set_defaults(func=inmates_import)


def _stuck(args: argparse.Namespace) -> None:
    from usecases import pipeline_actions
    from usecases.pipeline_health import stuck_report

    with command_runtime(broker=True) as rt:
        if args.requeue:
            queue = pipeline_actions.requeue(rt, args.requeue)
            if rt.settings.embedded:
                _run_here(rt, queue)  # no worker process can see this process's own broker
            print(f"{args.requeue}: {queue} sent again")
            return
        if args.retry_mail:
            pipeline_actions.retry_mail(rt, args.retry_mail)
            print(f"{args.retry_mail}: email will be tried again now")
            return
        if args.give_up:
            pipeline_actions.give_up_mail(rt, args.give_up)
            print(f"{args.give_up}: email given up")
            return
        with rt.db.session() as session:
            report = stuck_report(rt, session)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(stuck_text(report))


def _run_here(rt: Runtime, queue: str) -> None:
    """Embedded mode: the workers live inside the API process, out of this command's reach,
    so the command runs the work it just queued itself and waits for it."""
    from workers.runner import WorkerPool

    pool = WorkerPool(rt, threads=1, queues=(queue,), sweeper=False)
    pool.start()
    try:
        # This queue only: what the work wakes next (OCR, email) is the sweeper's to send.
        pool.broker.join(queue, fail_fast=True)
        pool.worker.join()
    finally:
        pool.stop()


def stuck_text(report: dict[str, Any]) -> str:
    counts = report["counts"]
    parts = [
        f"stuck submissions {counts['stuck_submissions']} (over {report['stuck_after_s']} s), "
        f"failing emails {counts['failing_emails']}, dead letters {counts['dead_letters']}"
    ]
    if report["stuck_submissions"]:
        columns = ["id", "kind", "institution", "status", "attempt", "stuck_s"]
        parts += [
            "",
            "STUCK SUBMISSIONS (--requeue ID)",
            table(report["stuck_submissions"], columns),
        ]
    if report["failing_emails"]:
        columns = ["id", "to", "tries", "next_try_at", "given_up_at", "last_error"]
        rows = [{**e, "last_error": (e["last_error"] or "")[:60]} for e in report["failing_emails"]]
        parts += ["", "FAILING EMAILS (--retry-mail ID, --give-up ID)", table(rows, columns)]
    dead = report.get("dead_letters") or {}
    if any(isinstance(q, dict) and q.get("count") for q in dead.values()):
        parts += ["", "DEAD LETTERS", json.dumps(dead, ensure_ascii=False)]
    return "\n".join(parts)


def _backup(args: argparse.Namespace) -> None:
    from familybook.backup import backup

    with command_runtime() as rt:
        manifest = backup(rt, Path(args.dir))
    rows = sum(manifest["rows"].values())
    print(f"backed up {rows} rows in {len(manifest['rows'])} tables and {manifest['files']} files")


def _restore(args: argparse.Namespace) -> None:
    from familybook.backup import restore

    with command_runtime() as rt:
        differs = restore(rt, Path(args.dir))
    if differs:
        print(f"restored, but counts differ (expected, found): {differs}", file=sys.stderr)
        sys.exit(1)
    print("restored and verified: every table's rows and the files counted as backed up")


def add_commands(sub: SubParsers) -> None:
    stuck = sub.add_parser("stuck", help="work stuck in the pipeline, failing emails, dead letters")
    stuck.add_argument("--json", action="store_true", help="the whole report as JSON")
    action = stuck.add_mutually_exclusive_group()
    action.add_argument("--requeue", metavar="SUBMISSION_ID", help="send its checks or OCR again")
    action.add_argument("--retry-mail", metavar="EMAIL_ID", help="try an email again now")
    action.add_argument("--give-up", metavar="EMAIL_ID", help="stop trying an email")
    stuck.set_defaults(func=_stuck)
    for name, func, said in (
        ("backup", _backup, "copy the database and files into a new folder, counted"),
        ("restore", _restore, "put a backup back (stop the API and workers first), verified"),
    ):
        command = sub.add_parser(name, help=said)
        command.add_argument("dir")
        command.set_defaults(func=func)
    workers = sub.add_parser("workers", help="worker processes and their last heartbeat")
    workers.add_argument(
        "--check-alive",
        type=int,
        metavar="SECONDS",
        help="exit 1 unless a worker on this host beat within SECONDS (a healthcheck)",
    )
    workers.add_argument("--json", action="store_true")
    workers.set_defaults(func=_workers)
