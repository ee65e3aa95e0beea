"""The `familybook` command (API.md: Command line)."""

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from pydantic import ValidationError

from core.config_errors import EXIT_CONFIG, ConfigError, describe_settings_error
from core.logs import configure_logging
from core.settings import get_settings
from familybook import ops_cli, serving
from familybook.bootstrap import RefusedSettings
from familybook.preflight import (
    command_runtime,
    require_redis,
    require_schema_at_head,
    runtime_checked,
)
from familybook.staff_cli import staff_parser
from moderation.errors import FamilybookError

#: How long `familybook worker` lets running messages finish after SIGTERM; docker-compose's
#: stop_grace_period is a little longer, so the process ends on its own before any SIGKILL.
SHUTDOWN_GRACE_MS = 25_000


_runtime = command_runtime


def lower_priority(nice: int, sched_idle: bool = False) -> None:
    """At least `nice` for every thread of this process (never raising a priority an operator
    already lowered further), and SCHED_IDLE if asked (Linux). Linux keeps both per thread,
    new threads and children (tesseract) inheriting their creator's, and a native library had
    already started a thread at import (seen left at 0)."""
    tasks = Path("/proc/self/task")
    idle = sched_idle and hasattr(os, "SCHED_IDLE")
    for tid in [int(t.name) for t in tasks.iterdir()] if tasks.exists() else [0]:
        if nice > os.getpriority(os.PRIO_PROCESS, tid):
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        if idle:
            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))


def _worker(args: argparse.Namespace) -> None:
    from workers.runner import WorkerPool

    settings = get_settings()
    # Before our threads and tesseract children exist: they inherit it.
    lower_priority(settings.worker_nice, settings.worker_sched_idle)
    require_redis(settings)
    rt = runtime_checked(settings, broker=True)
    require_schema_at_head(settings)
    pool = WorkerPool(rt, threads=args.threads, queues=args.queues.split(","), heartbeat=True)
    if args.metrics_port:
        from familybook.metrics import serve_worker_metrics

        serve_worker_metrics(rt, args.metrics_port, args.metrics_host)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    pool.start()
    stop.wait()
    # Graceful: running messages get the grace period to finish; one that does not is never
    # acknowledged, so Redis re-delivers it (or the sweeper re-sends it) to another worker.
    pool.stop(timeout_ms=SHUTDOWN_GRACE_MS)


def _migrate(args: argparse.Namespace) -> None:
    from storage.migrate import revisions, upgrade

    with _runtime(storage=False) as rt:  # the schema only: no need to wait for a bucket
        if args.check:  # for deploy scripts: exit 1 until `familybook migrate` has run
            current, head = revisions(rt.settings.database_url)
            print(f"database at {current or '(empty)'}, code at {head}")
            sys.exit(0 if current == head else 1)
        upgrade(rt.settings.database_url)
    print("database schema up to date 資料庫結構已更新")


def _institution_add(args: argparse.Namespace) -> None:
    from moderation.institutions import parse_contact
    from usecases.administration import add_institution, policy_from_options, update_institution

    options = vars(args).keys() - {"command", "action", "code", "name", "func", "contact"}
    policy = policy_from_options(**{option: getattr(args, option) for option in options})
    contacts = [parse_contact(c) for c in args.contact] if args.contact is not None else None
    with _runtime() as rt:
        if args.action == "update":  # one option changed, the name not retyped
            institution = update_institution(rt, args.code, args.name, contacts=contacts, **policy)
        else:
            institution = add_institution(rt, args.code, args.name, contacts=contacts, **policy)
    print(
        f"institution {institution.code} {institution.name}: {institution.policy}"
        f" contacts {institution.contacts}"
    )


def _institution_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    inst = sub.add_parser("institution").add_subparsers(dest="action", required=True)
    add = inst.add_parser("add", help="add or update an institution and its policy")
    add.add_argument("code")
    add.add_argument("name")
    _policy_options(add)
    update = inst.add_parser("update", help="change an institution's options (name optional)")
    update.add_argument("code")
    update.add_argument("name", nargs="?")
    _policy_options(update)


def _policy_options(add: argparse.ArgumentParser) -> None:
    opt = add.add_argument
    opt("--max-child-age", type=int, help="the youngest child's age at most (子女年齡上限)")
    opt("--max-relationship-degree", type=int, help="relatives within this degree (親等), 1-6")
    opt("--spouse-allowed", action=argparse.BooleanOptionalAction, default=None)
    opt("--cohabitant-allowed", action=argparse.BooleanOptionalAction, default=None)
    opt("--applicant-photo-required", action=argparse.BooleanOptionalAction, default=None)
    opt("--max-files-per-category", type=int, help="files per document category (1-4 in SPEC)")
    opt("--max-application-mb", type=int, help="an application's files together")
    opt("--allowed-types", help="e.g. application/pdf,image/jpeg,image/png")
    opt("--needs-fix-hold-days", type=int, help="an unfixed application holds its inmate so long")
    opt("--post-interval-days", type=int, help="one post per this many days")
    opt("--post-max-files", type=int)
    opt("--post-max-mb", type=int, help="a post's attachments together")
    opt("--post-max-file-mb", type=int, help="one attachment (default: --post-max-mb)")
    opt("--post-types", help="post attachments' types, e.g. image/jpeg,image/png (photos only)")
    opt("--strikes-to-suspend", type=int)
    opt("--suspension-months", type=int, help="calendar months a suspension lasts (1)")
    opt("--suspension-days", type=int, help="days a suspension lasts beyond its months (0)")
    opt("--suspension-mode", choices=("automatic", "proposed"), help="proposed: an admin confirms")
    opt("--contact", action="append", help="name|title|phone|extension, repeatable (聯繫窗口)")
    opt("--appeal-days", type=int, help="a strike may be appealed within this many days")
    add.set_defaults(func=_institution_add)


def _demo(_: argparse.Namespace) -> None:
    from familybook.demo import instructions, load_demo
    from storage.migrate import upgrade

    with _runtime() as rt:
        upgrade(rt.settings.database_url)
        print(instructions(rt, load_demo(rt)))


# issue 12: retention and key rotation.
def _purge(args: argparse.Namespace) -> None:
    from storage.models import utcnow
    from usecases.retention import purge

    with _runtime() as rt:
        erased = purge(rt, utcnow(), dry_run=args.dry_run)
    verb = "would erase 將刪除" if args.dry_run else "erased 已刪除"
    for e in erased:
        what = " and ".join(w for w, on in (("original", e.original), ("copies", e.copies)) if on)
        print(f"{verb}: file {e.file_id} ({e.category}) of {e.submission_id}: {what}")
    print(f"{len(erased)} document(s) {verb}")


def _keys_rotate(_: argparse.Namespace) -> None:
    with _runtime() as rt:
        keys = list(rt.files.stored_keys())  # the local folder or the bucket alike
        done = sum(rt.files.reencrypt(key) for key in keys)
        current = rt.files.current_key
    print(f"{done} of {len(keys)} files re-encrypted under key {current}")


def _security_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    purge = sub.add_parser("purge", help="erase documents past their retention (audited)")
    purge.add_argument("--dry-run", action="store_true", help="list what would be erased")
    purge.set_defaults(func=_purge)
    keys = sub.add_parser("keys").add_subparsers(dest="action", required=True)
    keys.add_parser(
        "rotate", help="re-encrypt every file under the first FAMILYBOOK_ENCRYPTION_KEYS key"
    ).set_defaults(func=_keys_rotate)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="familybook", description="Familybook 家庭聯絡簿")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the whole system")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--apis",
        choices=("all", "ingest", "review"),
        default="all",
        help="run both APIs (default) or only one, e.g. review on an inner port",
    )
    serve.add_argument(
        "--processes",
        type=int,
        default=1,
        help="API processes on this port, e.g. one per core (needs Redis and PostgreSQL)",
    )
    serve.set_defaults(func=serving.serve)
    worker = sub.add_parser("worker", help="run a worker process for the configured broker")
    worker.add_argument("--threads", type=int, default=2)
    worker.add_argument("--queues", default="checks,ocr,post_ocr,mail")
    worker.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port")
    worker.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        help="address the metrics port listens on (default loopback; 0.0.0.0 for a scraper "
        "in another container, with FAMILYBOOK_METRICS_TOKEN set)",
    )
    worker.set_defaults(func=_worker)
    migrate = sub.add_parser("migrate", help="bring the schema up to date")
    migrate.add_argument("--check", action="store_true", help="exit 1 if not up to date")
    migrate.set_defaults(func=_migrate)
    _institution_parser(sub)
    inmates = sub.add_parser("inmates").add_subparsers(dest="action", required=True)
    imp = inmates.add_parser("import", help="load a roster CSV")
    imp.add_argument("code")
    imp.add_argument("file")
    ops_cli.roster_options(imp)
    staff_parser(sub)
    sub.add_parser("demo", help="load demo data and print how to try it").set_defaults(func=_demo)
    ops_cli.add_commands(sub)  # issue 13: operators' commands
    _security_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    # Bad configuration or refused input: one line on stderr and exit 2, never a traceback.
    try:
        configure_logging(get_settings().log_format)
        args.func(args)
    except ValidationError as exc:
        _stop(describe_settings_error(exc))
    except ConfigError as exc:
        _stop(str(exc))
    except FamilybookError as exc:
        _stop(f"{exc.message} {exc.message_en}")
    except RefusedSettings as exc:  # issue 12: unsafe production settings
        _stop(f"refused: {exc}")


def _stop(line: str) -> None:
    print(f"familybook: {line}", file=sys.stderr)
    sys.exit(EXIT_CONFIG)


if __name__ == "__main__":
    main()
