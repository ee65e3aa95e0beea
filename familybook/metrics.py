"""GET /metrics and `familybook worker --metrics-port`: the process's (or, with
PROMETHEUS_MULTIPROC_DIR, every local process's) counters, plus gauges read at scrape time
from the broker and the database, which are right whichever process is scraped."""

import logging
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core.metrics import PREFIX, exposition, scrape_registry
from usecases.pipeline_gauges import read_gauges
from usecases.runtime import Runtime

log = logging.getLogger(__name__)

__all__ = ["CONTENT_TYPE_LATEST", "PipelineCollector", "exposition", "serve_worker_metrics"]


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


def serve_worker_metrics(rt: Runtime, port: int, host: str = "0.0.0.0") -> None:
    """A worker's own metrics on `port` (a thread of prometheus-client's server)."""
    start_http_server(port, addr=host, registry=scrape_registry([PipelineCollector(rt)]))
    log.info("worker metrics on port %d", port)
