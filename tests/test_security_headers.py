"""Headers, API docs and refused settings (issue 12, finding 12)."""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from familybook.app import create_app
from familybook.demo import instructions
from tests.support import flow


@pytest.fixture
def settings_changed(rt) -> Iterator:
    """Settings a test changes on the shared runtime, put back afterwards."""
    saved = rt.settings.model_copy()
    yield rt.settings
    for name in type(saved).model_fields:
        setattr(rt.settings, name, getattr(saved, name))


def test_answers_with_tokens_or_personal_data_are_not_cached(client, mail):
    fam = flow.family(client, mail, "cache@example.com")
    login = {"email": "cache@example.com", "password": flow.PASSWORD}
    for r in (
        client.post("/api/v1/sessions", json=login),
        client.get("/api/v1/me", headers=fam.headers),
    ):
        assert r.headers["Cache-Control"] == "no-store"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_html_pages_cannot_be_framed(client):
    r = client.get("/verify-email?token=abc")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


def test_hsts_is_sent_only_when_the_public_address_is_https(rt, settings_changed):
    with TestClient(create_app(rt, run_workers=False)) as plain:
        assert "Strict-Transport-Security" not in plain.get("/healthz").headers
    settings_changed.public_url = "https://familybook.example.gov.tw"
    with TestClient(create_app(rt, run_workers=False)) as tls:
        assert tls.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_api_docs_are_off_in_production_unless_asked_for(rt, settings_changed):
    settings_changed.env = "production"
    with TestClient(create_app(rt, run_workers=False)) as prod:
        for path in ("/openapi.json", "/docs", "/api/v1/openapi.json", "/review/v1/docs"):
            assert prod.get(path).status_code == 404, path
    settings_changed.api_docs = True
    with TestClient(create_app(rt, run_workers=False)) as documented:
        assert documented.get("/api/v1/openapi.json").status_code == 200


def test_production_refuses_unsafe_settings_in_one_line_with_exit_2(tmp_path):
    env = {
        **os.environ,
        "FAMILYBOOK_ENV": "production",
        "FAMILYBOOK_DATA_DIR": str(tmp_path),
        "FAMILYBOOK_PUBLIC_URL": "http://localhost:8000",
        "FAMILYBOOK_DATABASE_URL": "postgresql+psycopg://familybook:familybook@db/familybook",
        "FAMILYBOOK_SMTP_URL": "smtp://mailpit:1025",
        "FAMILYBOOK_ENCRYPTION_KEYS": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "familybook.cli", "stuck"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    for name in ("PUBLIC_URL", "sample password", "ENCRYPTION_KEYS", "mailpit"):
        assert name in line


def test_the_demo_does_not_print_the_smtp_password(rt, settings_changed):
    settings_changed.smtp_url = "smtp://mailer:s3cret-pw@mail.example.org:587"
    text = instructions(rt, {"reviewer": "fbr_x", "admin": "fba_y"})
    assert "s3cret-pw" not in text
    assert "mailer:***@mail.example.org:587" in text
