"""`familybook serve`: the API in one process, or in several on one port (`--processes N`).

One Python process runs one thread of Python at a time: past one core's worth of requests, a
second process is what uses a second core (200 families on 2 cores: issue 13's load bench).
uvicorn's supervisor starts the processes; each builds its own runtime from the same settings.
"""

import argparse
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from core.config_errors import ConfigError
from core.logs import configure_logging
from core.settings import Settings, get_settings
from familybook.preflight import require_schema_at_head, runtime_checked

#: How the supervisor tells the processes it starts which APIs to serve (`--apis`): they are
#: new interpreters, which inherit the environment and nothing else.
APIS_VARIABLE = "FAMILYBOOK_SERVE_APIS"
#: prometheus-client's own name for the multiprocess directory.
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
#: What every uvicorn start shares. No access log of uvicorn's: it would print raw paths and
#: query strings, which can hold tokens (ours names route templates). An idle connection kept
#: 75 s, not uvicorn's 5: a client or proxy that reuses a connection just as the server closes
#: it gets a reset instead of an answer (bench_load: 14 of 1,548 reads at a 5 s think time);
#: keeping it longer than the proxies' own idle timeouts (nginx 75 s, most 60 s) lets them
#: close first.
UVICORN_OPTIONS = {"log_config": None, "access_log": False, "timeout_keep_alive": 75}


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = get_settings()
    if args.processes < 1:
        raise ConfigError(f"--processes must be 1 or more, not {args.processes}")
    if args.processes > 1:
        _serve_processes(args, settings)
        return
    from familybook.app import create_app
    from storage.migrate import upgrade

    rt = runtime_checked(settings, broker=True)
    if settings.embedded:
        upgrade(settings.database_url)  # an embedded newcomer should not need a separate step
    else:
        require_schema_at_head(settings)  # replicas never race to migrate: `migrate` does it
    app = create_app(rt, apis=args.apis)
    uvicorn.run(app, host=args.host, port=args.port, **UVICORN_OPTIONS)  # type: ignore[arg-type]


def _serve_processes(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if settings.embedded:
        raise ConfigError(
            "--processes above 1 needs FAMILYBOOK_REDIS_URL and a PostgreSQL database: the "
            "embedded mode's queue and workers live inside its one process"
        )
    runtime_checked(settings, broker=True).db.dispose()  # a bad setting stops here, once
    require_schema_at_head(settings)
    os.environ[APIS_VARIABLE] = args.apis
    config = uvicorn.Config(
        "familybook.serving:served_app",
        factory=True,
        workers=args.processes,
        host=args.host,
        port=args.port,
        **UVICORN_OPTIONS,  # type: ignore[arg-type]
    )
    with shared_metrics_dir():
        Multiprocess(config, sockets=[listening_socket(args.host, args.port)]).run()


@contextmanager
def shared_metrics_dir() -> Iterator[None]:
    """Where the processes write their counters, summed whichever one a scrape reaches
    (prometheus-client's multiprocess mode): an operator's own directory is used and kept;
    else a temporary one, removed when the processes have stopped (each run starts its
    counters at zero, and a host that restarts the API often would collect the old ones)."""
    if os.environ.get(METRICS_DIR_VARIABLE):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="familybook-metrics-") as path:
        os.environ[METRICS_DIR_VARIABLE] = path
        try:
            yield
        finally:
            del os.environ[METRICS_DIR_VARIABLE]


def listening_socket(host: str, port: int) -> socket.socket:
    """The port the processes share, made as a TCP socket (protocol IPPROTO_TCP). uvicorn's
    own for several processes has protocol 0, and asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on connections that say TCP: every answer after a kept-alive
    connection's first then waits ~40 ms for the client's delayed ACK (measured: /healthz p50
    44 ms with two processes, 0.9 ms with one, which binds through asyncio)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)  # the processes uvicorn starts accept on it
    return sock


def served_app() -> FastAPI:
    """What each of the processes serves (uvicorn calls it in the new interpreter)."""
    from familybook.app import create_app

    settings = get_settings()
    configure_logging(settings.log_format)
    return create_app(runtime_checked(settings, broker=True), apis=os.environ[APIS_VARIABLE])
