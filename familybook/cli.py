"""The `familybook` command (API.md: Command line)."""

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.settings import get_settings
from familybook.bootstrap import build_runtime
from familybook.staff_cli import staff_parser
from moderation.errors import FamilybookError
from usecases.runtime import Runtime

#: How long `familybook worker` lets running messages finish after SIGTERM; docker-compose's
#: stop_grace_period is a little longer, so the process ends on its own before any SIGKILL.
SHUTDOWN_GRACE_MS = 25_000


@contextmanager
def _runtime(*, broker: bool = False) -> Iterator[Runtime]:
    """A command's runtime, its database connections closed when the command ends. Commands
    that only write records need no broker: the sweeper wakes the workers for them."""
    rt = build_runtime(broker=broker)
    try:
        yield rt
    finally:
        rt.db.dispose()


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from familybook.app import create_app
    from storage.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)  # an embedded newcomer should not need a separate step
    app = create_app(build_runtime(settings), apis=args.apis)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


def _worker(args: argparse.Namespace) -> None:
    from workers.runner import WorkerPool

    pool = WorkerPool(build_runtime(), threads=args.threads, queues=args.queues.split(","))
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

    upgrade(get_settings().database_url)
    print("database schema up to date 資料庫結構已更新")


def _institution_add(args: argparse.Namespace) -> None:
    from moderation.institutions import parse_contact
    from usecases.administration import add_institution, policy_from_options

    options = vars(args).keys() - {"command", "action", "code", "name", "func", "contact"}
    policy = policy_from_options(**{option: getattr(args, option) for option in options})
    contacts = [parse_contact(c) for c in args.contact] if args.contact is not None else None
    with _runtime() as rt:
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


def _inmates_import(args: argparse.Namespace) -> None:
    from usecases.administration import import_inmates

    with _runtime() as rt:
        count = import_inmates(rt, args.code, Path(args.file))
    print(f"{count} inmates imported")


def _stuck(_: argparse.Namespace) -> None:
    import json

    from usecases.pipeline_health import stuck_report

    with _runtime(broker=True) as rt, rt.db.session() as session:
        report = stuck_report(rt, session)
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _demo(_: argparse.Namespace) -> None:
    from familybook.demo import instructions, load_demo
    from storage.migrate import upgrade

    with _runtime() as rt:
        upgrade(rt.settings.database_url)
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
    _institution_parser(sub)
    inmates = sub.add_parser("inmates").add_subparsers(dest="action", required=True)
    imp = inmates.add_parser("import", help="load a roster CSV")
    imp.add_argument("code")
    imp.add_argument("file")
    imp.set_defaults(func=_inmates_import)
    staff_parser(sub)
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
