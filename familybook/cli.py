"""The `familybook` command (API.md: Command line)."""

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from familybook.runtime import get_runtime
from moderation.errors import FamilybookError

#: How long `familybook worker` lets running messages finish after SIGTERM; docker-compose's
#: stop_grace_period is a little longer, so the process ends on its own before any SIGKILL.
SHUTDOWN_GRACE_MS = 25_000


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from familybook.app import create_app
    from storage.migrate import upgrade

    upgrade(get_runtime().settings)  # an embedded newcomer should not need a separate step
    uvicorn.run(create_app(apis=args.apis), host=args.host, port=args.port, log_level="info")


def _worker(args: argparse.Namespace) -> None:
    from workers.runner import WorkerPool

    pool = WorkerPool(threads=args.threads, queues=args.queues.split(","))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    pool.start()
    stop.wait()
    # Graceful: running messages get the grace period to finish; one that does not is never
    # acknowledged, so Redis re-delivers it (or the sweeper re-sends it) to another worker.
    pool.stop(timeout_ms=SHUTDOWN_GRACE_MS)


def _migrate(_: argparse.Namespace) -> None:
    from storage.migrate import upgrade

    upgrade(get_runtime().settings)
    print("database schema up to date 資料庫結構已更新")


def _institution_add(args: argparse.Namespace) -> None:
    from familybook.admin import add_institution

    policy = {
        "max_child_age": args.max_child_age,
        "applicant_photo_required": args.applicant_photo_required,
        "post_interval_days": args.post_interval_days,
        "post_max_files": args.post_max_files,
        "post_max_bytes": args.post_max_mb and args.post_max_mb * 1024 * 1024,
        "post_max_file_bytes": args.post_max_mb and args.post_max_mb * 1024 * 1024,
        "strikes_to_suspend": args.strikes_to_suspend,
        "suspension_days": args.suspension_days,
        "allowed_relationships": tuple(args.relationships.split(","))
        if args.relationships
        else None,
    }
    with get_runtime().db.session() as session:
        institution = add_institution(session, args.code, args.name, **policy)
        print(f"institution {institution.code} {institution.name}: {institution.policy}")


def _inmates_import(args: argparse.Namespace) -> None:
    from familybook.admin import import_inmates

    with get_runtime().db.session() as session:
        print(f"{import_inmates(session, args.code, Path(args.file))} inmates imported")


def _staff_add(args: argparse.Namespace) -> None:
    from familybook.admin import add_staff

    with get_runtime().db.session() as session:
        token = add_staff(session, args.email, args.institution, args.role)
    print(f"staff {args.email} ({args.role}) token, shown once 憑證只顯示一次:\n{token}")


def _stuck(_: argparse.Namespace) -> None:
    import json

    from familybook.operations import stuck_report
    from workers.broker import broker

    print(json.dumps(stuck_report(get_runtime(), broker=broker), ensure_ascii=False, indent=2))


def _demo(_: argparse.Namespace) -> None:
    from familybook.demo import instructions, load_demo
    from storage.migrate import upgrade

    rt = get_runtime()
    upgrade(rt.settings)
    print(instructions(rt, load_demo(rt)))


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
    serve.set_defaults(func=_serve)
    worker = sub.add_parser("worker", help="run a worker process for the configured broker")
    worker.add_argument("--threads", type=int, default=2)
    worker.add_argument("--queues", default="checks,ocr,mail")
    worker.set_defaults(func=_worker)
    sub.add_parser("migrate", help="bring the schema up to date").set_defaults(func=_migrate)
    inst = sub.add_parser("institution").add_subparsers(dest="action", required=True)
    add = inst.add_parser("add", help="add or update an institution")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--max-child-age", type=int)
    add.add_argument("--applicant-photo-required", action="store_true", default=None)
    add.add_argument("--post-interval-days", type=int)
    add.add_argument("--post-max-files", type=int)
    add.add_argument("--post-max-mb", type=int)
    add.add_argument("--strikes-to-suspend", type=int)
    add.add_argument("--suspension-days", type=int)
    add.add_argument("--relationships", help="comma-separated relationship codes allowed")
    add.set_defaults(func=_institution_add)
    inmates = sub.add_parser("inmates").add_subparsers(dest="action", required=True)
    imp = inmates.add_parser("import", help="load a roster CSV")
    imp.add_argument("code")
    imp.add_argument("file")
    imp.set_defaults(func=_inmates_import)
    staff = sub.add_parser("staff").add_subparsers(dest="action", required=True)
    sadd = staff.add_parser("add", help="create staff and print their token once")
    sadd.add_argument("email")
    sadd.add_argument("--institution", action="append", required=True)
    sadd.add_argument("--role", choices=("reviewer", "admin"), default="reviewer")
    sadd.set_defaults(func=_staff_add)
    sub.add_parser("demo", help="load demo data and print how to try it").set_defaults(func=_demo)
    sub.add_parser(
        "stuck", help="work stuck in the pipeline, failing emails, dead letters"
    ).set_defaults(func=_stuck)
    return p


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a page of noise
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except FamilybookError as exc:
        print(f"{exc.message}\n{exc.message_en}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
