"""The process's Prometheus metrics, all named `familybook_…` (issue 13, API.md: Operations).

Counters and histograms are declared here, once, and updated where things happen (the request
middleware, the use cases). prometheus-client chooses at import whether values live in this
process or in files under `PROMETHEUS_MULTIPROC_DIR` (several processes: uvicorn workers, the
worker pool); that variable must be set before the process starts and its folder wiped between
runs, so the start-up script does it, never Python. Gauges read at scrape time (queue depth,
outbox, oldest waiting item) are collectors built by the composition, not values kept here.
"""

import os
from collections.abc import Iterable

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

PREFIX = "familybook"
#: Request latencies: most reads take milliseconds, uploads up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Check stages and OCR take tenths of seconds to a minute.
STAGE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)

HTTP_REQUESTS = Counter(
    f"{PREFIX}_http_requests",
    "HTTP requests answered, by route template, method and status code",
    ("route", "method", "status"),
)
HTTP_LATENCY = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method",
    ("route", "method"),
    buckets=LATENCY_BUCKETS,
)
SUBMISSIONS = Counter(
    f"{PREFIX}_submissions",
    "Submissions that reached a status (received, needs_fix, awaiting_review, approved, "
    "rejected…), by kind (application, post)",
    ("kind", "outcome"),
)
CHECK_STAGE_SECONDS = Histogram(
    f"{PREFIX}_check_stage_duration_seconds",
    "Time of one automated check stage on one file (`attempt`: all files of an attempt)",
    ("stage",),
    buckets=STAGE_BUCKETS,
)
OCR_STAGE_SECONDS = Histogram(
    f"{PREFIX}_ocr_stage_duration_seconds",
    "Time to read one document by OCR, by stage (card, register, photo_text)",
    ("stage",),
    buckets=STAGE_BUCKETS,
)
OUTBOX_SEND_FAILURES = Counter(
    f"{PREFIX}_outbox_send_failures", "Emails the SMTP server did not take on one try"
)


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def scrape_registry(collectors: Iterable[Collector] = ()) -> CollectorRegistry:
    """What one scrape shows: this process's metrics (or, in multiprocess mode, every
    process's, merged from their files) and the given scrape-time collectors."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess():
        MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    for collector in collectors:
        registry.register(collector)
    return registry


def exposition(collectors: Iterable[Collector] = ()) -> bytes:
    return generate_latest(scrape_registry(collectors))


class _Forward(Collector):
    """The process's own registry inside a scrape registry (it cannot be registered twice)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self):  # type: ignore[no-untyped-def]
        return self._source.collect()
