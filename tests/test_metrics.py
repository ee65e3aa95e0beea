"""GET /metrics in Prometheus text format (API.md: Operations), parsed with prometheus-client's
own parser; the scrape-time gauges read from the real database and broker of the backend."""

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import BACKEND
from tests.support import flow

ROOT = Path(__file__).resolve().parent.parent


def scrape(text: str) -> dict[str, list]:
    """Samples by name: {sample name: [(labels, value), …]}."""
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples.setdefault(s.name, []).append((s.labels, s.value))
    return samples


def value(
    samples: dict[str, list], name: str, missing: float | None = None, **labels: str
) -> float:
    found = [v for got, v in samples.get(name, []) if labels.items() <= got.items()]
    if not found and missing is not None:
        return missing
    assert found, f"no {name}{labels} in {sorted(samples)}"
    return sum(found)


def test_requests_are_counted_per_route_template_not_per_path(client, rt):
    # (counters live as long as the test process: compare before and after)
    route = "/api/v1/institutions/{code}/inmates/{callsign}"
    counted = {"name": "familybook_http_requests_total", "route": route, "status": "401"}
    before = value(scrape(client.get("/metrics").text), **counted, missing=0)
    flow.institution(rt, "TTD")
    client.get("/api/v1/institutions/TTD/inmates/7375")
    client.get("/api/v1/institutions/TTD/inmates/7376")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    samples = scrape(r.text)
    assert value(samples, **counted) == before + 2
    assert value(samples, "familybook_http_request_duration_seconds_count", route=route) >= 2
    assert not any("7375" in str(labels) for labels, _ in samples["familybook_http_requests_total"])


def test_a_checked_application_shows_in_outcomes_stages_queues_and_the_oldest_item(
    client, rt, mail, workers
):
    # Given a family whose application went through the checks into the review queue
    flow.institution(rt, "TTD")
    fam = flow.family(client, mail, "metrics@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    # When the operator scrapes
    samples = scrape(client.get("/metrics").text)
    # Then the outcome, each check stage's time, every queue, the outbox and the waiting item
    outcome = {"kind": "application", "outcome": "awaiting_review"}
    assert value(samples, "familybook_submissions_total", **outcome) >= 1
    for stage in ("check_file_type", "check_image", "attempt"):
        assert value(samples, "familybook_check_stage_duration_seconds_count", stage=stage) >= 1
    assert {labels["queue"] for labels, _ in samples["familybook_queue_depth"]} >= {
        "checks", "ocr", "mail",
    }  # fmt: skip
    assert value(samples, "familybook_queue_depth", queue="ocr") >= 1  # no OCR worker runs
    assert "familybook_outbox_backlog" in samples
    assert value(samples, "familybook_review_waiting", institution="TTD") == 1
    assert value(samples, "familybook_review_oldest_waiting_seconds", institution="TTD") > 0
    assert value(samples, "familybook_up", part="database") == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "production", reason="a worker process needs Redis")
def test_a_worker_serves_its_metrics_in_multiprocess_mode(rt, tmp_path):
    port = _free_port()
    # Not under the idle policy: on a busy machine it would wait behind everything else.
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "FAMILYBOOK_WORKER_SCHED_IDLE": "false",
    }
    args = ["worker", "--queues", "mail", "--threads", "1", "--metrics-port", str(port)]
    worker = subprocess.Popen(
        [sys.executable, "-m", "familybook.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        text = flow.wait_for(lambda: _get(url), timeout=30, what="the worker's metrics port")
        samples = scrape(text)
        assert value(samples, "familybook_up", part="broker") == 1
        assert "familybook_queue_depth" in samples
        assert list(tmp_path.glob("*.db")), "multiprocess mode writes its values to files"
    finally:
        worker.terminate()
        worker.wait(timeout=40)


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode()
    except OSError:
        return None


@pytest.mark.backend_independent
def test_every_metric_the_grafana_dashboard_charts_is_exposed(client, rt):
    import json
    import re

    from core import metrics

    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    suffix = re.compile(r"_(bucket|total|count|sum)$")
    charted = {suffix.sub("", m) for e in exprs for m in re.findall(r"familybook_[a-z_]+", e)}
    flow.institution(rt, "TTD")
    exposed = {suffix.sub("", name) for name in scrape(client.get("/metrics").text)}
    # Labelled series appear once observed; their declarations are in core.metrics
    declared = {m._name for m in vars(metrics).values() if hasattr(m, "_name")}
    assert charted <= exposed | declared, charted - exposed - declared
