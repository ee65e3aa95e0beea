"""Request bodies are cut while they stream (issue 12, finding 2), on a real uvicorn: a huge
login is refused with 413 after a few hundred KiB, without the server holding it in memory."""

import threading
import time
from pathlib import Path

from tests.support.live import JsonStream, live_server, post_streaming

MIB = 1024 * 1024
#: The body the audit sent: one unauthenticated 150 MiB login.
HUGE = 150 * MIB


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class _PeakRss:
    """The highest resident size of this process (the server runs in it) while in the block."""

    def __enter__(self) -> "_PeakRss":
        self.base = self.peak = _rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_bytes())

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.base


def test_a_150_mib_chunked_login_is_cut_at_the_json_ceiling(rt):
    body = JsonStream(HUGE)
    with live_server(rt) as base, _PeakRss() as rss:
        status, answer = post_streaming(f"{base}/api/v1/sessions", {}, body)
    assert status == 413
    assert answer["error"]["code"] == "body_too_large"
    # The server stopped taking bytes just past the ceiling (sockets buffer a few MiB)
    assert body.sent < rt.settings.max_json_bytes + 8 * MIB
    print(f"150 MiB login: server took {body.sent / MIB:.1f} MiB, RSS +{rss.growth / MIB:.1f} MiB")
    assert rss.growth < 32 * MIB


def test_a_declared_oversized_body_is_refused_before_it_is_read(client, rt):
    # TestClient sends Content-Length: the answer comes from the header alone
    too_big = b"{" + b" " * (rt.settings.max_json_bytes + 1) + b"}"
    r = client.post(
        "/api/v1/accounts", content=too_big, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"


def test_a_body_under_the_ceiling_is_read_as_usual(client):
    time.sleep(0)
    r = client.post("/api/v1/sessions", json={"email": "a@example.com", "password": "x" * 100})
    assert r.status_code == 401
