"""Request ids and JSON logs (API.md: Operations): every response names its request, a 500 body
names it too, log lines are one JSON object each, and no line carries personal data."""

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from core.logs import JsonFormatter
from tests.support import flow

#: Loggers of the test's own parts (its SMTP server, its HTTP client), not of Familybook.
NOT_OURS = ("mail.log", "aiosmtpd", "httpx", "httpcore")


@pytest.fixture
def json_lines() -> Iterator[Callable[[], list[dict]]]:
    """Every log record of the process so far in the test, as the JSON lines it would write
    (each must parse on its own)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(lambda r: not r.name.startswith(NOT_OURS))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/api/v1/institutions").headers["x-request-id"]
    assert len(first) >= 16 and first != second


def test_a_sane_request_id_is_kept_and_an_insane_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1234-abcd"})
    assert kept.headers["x-request-id"] == "lb-1234-abcd"
    replaced = client.get("/healthz", headers={"X-Request-ID": "x\tinjected line"})
    assert replaced.headers["x-request-id"] != "x\tinjected line"


def test_a_500_body_names_the_request_id(rt):
    from familybook.app import create_app

    app = create_app(rt, run_workers=False)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug of ours")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom", headers={"X-Request-ID": "trace-500-abcdef"})
    assert r.status_code == 500
    assert r.headers["x-request-id"] == "trace-500-abcdef"
    assert r.json()["error"]["request_id"] == "trace-500-abcdef"
    assert "trace-500-abcdef" in r.json()["error"]["message"]


def test_json_lines_carry_request_id_route_status_and_duration(client, json_lines):
    r = client.get("/api/v1/institutions/TTD/inmates/7375", headers={"X-Request-ID": "req-abc-123"})
    assert r.status_code == 401
    client.close()
    access = [x for x in json_lines() if x["logger"] == "familybook.access"]
    line = access[-1]
    assert line["request_id"] == "req-abc-123"
    assert line["route"] == "/api/v1/institutions/{code}/inmates/{callsign}"
    assert line["status"] == 401 and line["duration_ms"] >= 0


def test_no_log_line_of_a_whole_flow_holds_the_familys_personal_data(
    client, rt, mail, workers, json_lines
):
    # Given the whole flow, logged: register, verify, log in, apply, checks, review, emails
    flow.institution(rt, "TTD")
    reviewer = flow.staff(rt, "reviewer@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "Private.Person@example.com")
    mail.wait_for_subject("Private.Person@example.com", "service application approved")
    client.get("/api/v1/institutions/TTD/inmates/7375", headers=fam.headers)
    workers.stop()
    # Then the lines name records by id, never the family
    lines = json_lines()
    text = json.dumps(lines, ensure_ascii=False)
    assert any(line.get("submission_id") == app_id for line in lines)
    for secret in (fam.national_id, "private.person", "王小明", "王大明", "0912345678", fam.token):
        assert secret.lower() not in text.lower(), secret
