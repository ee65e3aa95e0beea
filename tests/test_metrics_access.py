"""Who may read the metrics (issue 13): with FAMILYBOOK_METRICS_TOKEN set, only a scraper
sending `Authorization: Bearer <token>`; in production with no token, nobody through the API
(a reverse proxy on the same machine makes every client look local) and only this machine on a
worker's port, which listens on 127.0.0.1 unless told otherwise."""

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from familybook.app import create_app
from familybook.cli import parser
from familybook.metrics import serve_worker_metrics

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def settings_changed(rt) -> Iterator:
    """Settings a test changes on the shared runtime, put back afterwards."""
    saved = rt.settings.model_copy()
    yield rt.settings
    for name in type(saved).model_fields:
        setattr(rt.settings, name, getattr(saved, name))


def _scrape(rt, headers: dict[str, str] | None = None):
    with TestClient(create_app(rt, run_workers=False)) as client:
        return client.get("/metrics", headers=headers or {})


def test_with_a_token_metrics_need_it_as_a_bearer(rt, settings_changed):
    settings_changed.metrics_token = TOKEN
    missing = _scrape(rt)
    wrong = _scrape(rt, {"Authorization": "Bearer not-the-token"})
    basic = _scrape(rt, {"Authorization": f"Basic {TOKEN}"})
    right = _scrape(rt, {"Authorization": f"Bearer {TOKEN}"})
    for r in (missing, wrong, basic):
        assert r.status_code == 401, r.text
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert r.json()["error"]["code"] == "unauthenticated"
        assert "familybook_" not in r.text
    assert right.status_code == 200 and "familybook_up" in right.text


def test_the_token_can_come_from_a_file(rt, settings_changed, tmp_path):
    (tmp_path / "token").write_text(TOKEN + "\n")  # as `echo … > file` leaves it
    settings_changed.metrics_token_file = tmp_path / "token"
    assert _scrape(rt).status_code == 401
    assert _scrape(rt, {"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_in_production_without_a_token_the_api_refuses_metrics(rt, settings_changed):
    settings_changed.env = "production"
    r = _scrape(rt)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "metrics_token_required"
    assert "familybook_" not in r.text


def test_in_development_without_a_token_metrics_stay_open(rt):
    assert _scrape(rt).status_code == 200


def _get(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_workers_metrics_listen_on_loopback_by_default_and_honour_the_token(rt, settings_changed):
    assert parser().parse_args(["worker", "--metrics-port", "9100"]).metrics_host == "127.0.0.1"
    settings_changed.metrics_token = TOKEN
    server = serve_worker_metrics(rt, 0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        url = f"http://127.0.0.1:{port}/metrics"
        assert _get(url) == 401
        assert _get(url, {"Authorization": "Bearer wrong"}) == 401
        assert _get(url, {"Authorization": f"Bearer {TOKEN}"}) == 200
    finally:
        server.shutdown()
        server.server_close()


def test_a_workers_metrics_in_production_without_a_token_serve_this_machine_only(
    rt, settings_changed
):
    settings_changed.env = "production"
    server = serve_worker_metrics(rt, 0)
    try:
        assert _get(f"http://127.0.0.1:{server.server_address[1]}/metrics") == 200
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.backend_independent
def test_compose_prometheus_sends_the_token_the_services_check():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    services = compose["services"]
    token_file = "/run/secrets/metrics_token"
    for job in prometheus["scrape_configs"]:
        assert job["authorization"] == {"type": "Bearer", "credentials_file": token_file}
    for name in ("api", "review-api", "worker", "ocr-worker", "prometheus"):
        assert "metrics_token" in services[name]["secrets"], name
    for name in ("api", "review-api", "worker", "ocr-worker"):
        env = services[name]["environment"]
        assert env["FAMILYBOOK_METRICS_TOKEN_FILE"] == token_file, name
    for name in ("worker", "ocr-worker"):  # scraped from Prometheus's container
        assert "--metrics-host" in services[name]["command"], name
