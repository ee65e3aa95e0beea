"""The review API as `bench_review.py` serves it, for `uvicorn --factory --workers N`: each
worker process calls `app()` and builds its own runtime from the environment (FAMILYBOOK_*),
as `familybook serve --apis review` does, but without the broker (no review operation wakes a
worker) and without the embedded worker pool (its polling would be counted as API CPU)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi import FastAPI

from core.logs import configure_logging
from core.settings import get_settings
from familybook.app import create_app
from familybook.bootstrap import build_runtime


def app() -> FastAPI:
    settings = get_settings()
    # Our access line per request, as in production (it costs CPU too); to the server's log.
    configure_logging(settings.log_format)
    return create_app(build_runtime(settings, broker=False), run_workers=False, apis="review")


def main() -> None:
    """`uvicorn --factory review_server:app --workers N --host H --port P`, but listening on a
    socket made as a TCP socket (protocol IPPROTO_TCP). uvicorn's own (`socket.socket(family)`,
    protocol 0) gives accepted connections protocol 0, and asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on sockets that say TCP: with `--workers`, every answer after a
    connection's first then waits ~40 ms for the client's delayed ACK (measured: /healthz p50
    44 ms with `--workers 2`, 0.9 ms with one process, which binds through asyncio)."""
    import argparse
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = uvicorn.Config(
        "review_server:app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # ours is on (configure_logging), as `familybook serve` does
        log_level="warning",
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.set_inheritable(True)
    if args.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
