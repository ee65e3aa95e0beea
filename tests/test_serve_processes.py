"""`familybook serve --processes N`: the API on one port in N processes, one per core, whose
metrics a scrape sums whichever process answers it (issue 13: spreading the API)."""

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import BACKEND
from tests.support import flow
from tests.test_metrics import scrape, value

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "production", reason="several processes need Redis and PostgreSQL")
def test_two_api_processes_answer_on_one_port_and_their_metrics_add_up(rt, tmp_path):
    flow.institution(rt, "TTD")
    port = _free_port()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "familybook.cli", "serve", "--port", str(port), "--processes", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        flow.wait_for(lambda: _get(f"{base}/healthz"), timeout=60, what="the API")
        # Each process answers once it has started; both are there when the supervisor has two.
        flow.wait_for(lambda: len(_children(server.pid)) >= 2, timeout=30, what="2 processes")
        for _ in range(40):
            assert '"TTD"' in (_get(f"{base}/api/v1/institutions") or "")

        samples = scrape(_get(f"{base}/metrics") or "")

        answered = value(samples, "familybook_http_requests_total", route="/api/v1/institutions")
        assert answered == 40
        assert len(list(tmp_path.glob("*.db"))) >= 2, "each process writes its own values"
    finally:
        server.terminate()
        server.wait(timeout=40)


def test_the_shared_port_is_a_tcp_socket_so_answers_are_not_held_back_by_nagle():
    from familybook.serving import listening_socket

    with listening_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP


def test_the_processes_metrics_directory_is_removed_once_they_have_stopped(monkeypatch):
    from familybook.serving import METRICS_DIR_VARIABLE, shared_metrics_dir

    monkeypatch.delenv(METRICS_DIR_VARIABLE, raising=False)
    with shared_metrics_dir():
        made = Path(os.environ[METRICS_DIR_VARIABLE])
        (made / "counter_1.db").write_bytes(b"x")  # what a process writes
        assert made.is_dir()
    assert not made.exists() and METRICS_DIR_VARIABLE not in os.environ


def test_an_operators_own_metrics_directory_is_used_and_kept(monkeypatch, tmp_path):
    from familybook.serving import METRICS_DIR_VARIABLE, shared_metrics_dir

    monkeypatch.setenv(METRICS_DIR_VARIABLE, str(tmp_path))
    with shared_metrics_dir():
        assert os.environ[METRICS_DIR_VARIABLE] == str(tmp_path)
        (tmp_path / "counter_1.db").write_bytes(b"x")
    assert (tmp_path / "counter_1.db").exists()
