"""GET /metrics and `familybook worker --metrics-port`: the process's (or, with
PROMETHEUS_MULTIPROC_DIR, every local process's) counters, plus gauges read at scrape time
from the broker and the database, which are right whichever process is scraped."""

import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CONTENT_TYPE_LATEST, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.registry import Collector

from core.metrics import PREFIX, exposition, scrape_registry
from core.metrics_access import Access, is_loopback, metrics_access
from moderation.errors import ErrorCode, Forbidden, Unauthenticated
from usecases.pipeline_gauges import read_gauges
from usecases.runtime import Runtime

log = logging.getLogger(__name__)

__all__ = [
    "CONTENT_TYPE_LATEST",
    "PipelineCollector",
    "exposition",
    "refuse_metrics",
    "serve_worker_metrics",
]


class PipelineCollector(Collector):
    """Queue depth per dramatiq queue, the outbox, and the oldest waiting review item per
    institution. A part that is down leaves its gauges out (and `familybook_up{part}` 0)."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            f"{PREFIX}_up", "Whether a part answered this scrape", labels=["part"]
        )
        yield from self._queues(up)
        yield from self._database(up)
        yield up

    def _queues(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        depths = getattr(self.rt.queues, "depths", None)
        if depths is None:
            return
        try:
            found = depths()
        except Exception as exc:  # the broker is down: say so, show no stale number
            log.warning("metrics: broker unreachable (%s)", type(exc).__name__)
            up.add_metric(["broker"], 0)
            return
        up.add_metric(["broker"], 1)
        depth = GaugeMetricFamily(
            f"{PREFIX}_queue_depth", "Messages waiting per dramatiq queue", labels=["queue"]
        )
        for queue, count in sorted(found.items()):
            depth.add_metric([queue], count)
        yield depth

    def _database(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        try:
            with self.rt.db.session() as session:
                g = read_gauges(session)
        except Exception as exc:
            log.warning("metrics: database unreachable (%s)", type(exc).__name__)
            up.add_metric(["database"], 0)
            return
        up.add_metric(["database"], 1)
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_backlog", "Emails not sent yet (not given up)", value=g.outbox_backlog
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_failing",
            "Emails not sent yet whose last try failed",
            value=g.outbox_failing,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_given_up", "Emails given up for good", value=g.outbox_given_up
        )
        waiting = GaugeMetricFamily(
            f"{PREFIX}_review_waiting",
            "Items waiting for a reviewer's decision",
            labels=["institution"],
        )
        oldest = GaugeMetricFamily(
            f"{PREFIX}_review_oldest_waiting_seconds",
            "Age of the oldest item waiting for a decision (0: none waiting)",
            labels=["institution"],
        )
        for code in sorted(g.review_waiting):
            waiting.add_metric([code], g.review_waiting[code])
            oldest.add_metric([code], g.review_oldest_s[code])
        yield waiting
        yield oldest


def metrics_body(rt: Runtime) -> bytes:
    return exposition([PipelineCollector(rt)])


def refuse_metrics(access: Access) -> None:
    """The API's answer when `access` is not ALLOWED (web/errors.py maps it: 401, 403)."""
    if access == Access.NO_TOKEN:
        raise Unauthenticated(
            code=ErrorCode.UNAUTHENTICATED,
            message="讀取監控數據需要 metrics token。",
            message_en="Metrics need the bearer token (FAMILYBOOK_METRICS_TOKEN).",
        )
    if access == Access.REFUSED:
        raise Forbidden(
            code=ErrorCode.METRICS_TOKEN_REQUIRED,
            message="正式環境須設定 FAMILYBOOK_METRICS_TOKEN 才能讀取監控數據。",
            message_en="In production, metrics need FAMILYBOOK_METRICS_TOKEN to be set.",
        )


#: What a worker's metrics port answers a scraper it refuses (plain text: Prometheus logs it).
_REFUSALS = {
    Access.NO_TOKEN: ("401 Unauthorized", [("WWW-Authenticate", "Bearer")], b"bearer token\n"),
    Access.REFUSED: ("403 Forbidden", [], b"set FAMILYBOOK_METRICS_TOKEN\n"),
}


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Every scrape would be a line on stderr."""


def serve_worker_metrics(rt: Runtime, port: int, host: str = "127.0.0.1") -> WSGIServer:
    """A worker's own metrics on `host:port`, in a daemon thread: loopback unless told (compose
    passes `--metrics-host 0.0.0.0` for Prometheus's container), the token checked as on the
    API, and with no token in production only this machine served (no proxy fronts this port).
    Returns the server (tests shut it down)."""
    token = rt.settings.metrics_bearer()
    metrics_app = make_wsgi_app(scrape_registry([PipelineCollector(rt)]))

    def guarded(environ: dict[str, Any], start_response: Any) -> Any:
        access = metrics_access(
            token=token,
            production=rt.settings.production,
            authorization=environ.get("HTTP_AUTHORIZATION"),
            loopback_client=is_loopback(environ.get("REMOTE_ADDR")),
        )
        if access == Access.ALLOWED:
            return metrics_app(environ, start_response)
        status, headers, body = _REFUSALS[access]
        start_response(status, [("Content-Type", "text/plain"), *headers])
        return [body]

    class Server(ThreadingWSGIServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = make_server(host, port, guarded, Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()
    log.info("worker metrics on %s:%d", host, server.server_address[1])
    return server
