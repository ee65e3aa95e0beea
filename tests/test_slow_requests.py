"""Slow and oversized requests are cut (issue 12, finding 10), on a real uvicorn over raw
sockets: a stalled upload gets 408 and leaves no temp file; a chunked tail past the form stops
at the ceiling."""

import threading
import time
from collections.abc import Iterator

import pytest

from tests.support import flow
from tests.support.live import MultipartStream, live_server, post_streaming

MB = 1024 * 1024
FIELDS = {"institution": "TTD", "callsign": "7375", "relationship": "spouse"}


@pytest.fixture
def short_timeouts(rt):
    saved = rt.settings.request_read_timeout_s, rt.settings.max_request_bytes
    rt.settings.request_read_timeout_s, rt.settings.max_request_bytes = 1.0, 2 * MB
    yield rt
    rt.settings.request_read_timeout_s, rt.settings.max_request_bytes = saved


def test_a_stalled_upload_is_cut_and_its_temp_file_removed(client, rt, mail, short_timeouts):
    # Given a family sending a document that stops arriving half way
    flow.institution(rt)
    fam = flow.family(client, mail, "slow@example.com")
    body = MultipartStream(FIELDS, "relationship_documents", 1 * MB, pause_after=256 * 1024)
    threading.Thread(
        target=lambda: (body.paused.wait(30), time.sleep(4), body.resume.set())
    ).start()
    started = time.monotonic()
    with live_server(rt) as base:
        status, answer = post_streaming(f"{base}/api/v1/applications", fam.headers, body)
    # Then the server cut it after its read timeout, and kept nothing of it
    assert (status, answer["error"]["code"]) == (408, "request_timeout")
    assert time.monotonic() - started < 10
    assert rt.files.temporary_count() == 0
    assert rt.files.count() == 0


class _FormThenTail(MultipartStream):
    """A complete small form, then an endless epilogue after its closing boundary (which the
    multipart parser ignores: only the byte ceiling stops it)."""

    def __init__(self, tail_bytes: int) -> None:
        super().__init__(FIELDS, "relationship_documents", 64 * 1024)
        self.tail_bytes = tail_bytes

    def __iter__(self) -> Iterator[bytes]:
        yield from super().__iter__()
        chunk = b"t" * 65536
        for _ in range(self.tail_bytes // len(chunk)):
            yield self._count(chunk)


def test_a_chunked_tail_past_the_form_is_cut_at_the_ceiling(client, rt, mail, short_timeouts):
    flow.institution(rt)
    fam = flow.family(client, mail, "tail@example.com")
    body = _FormThenTail(64 * MB)
    with live_server(rt) as base:
        status, _ = post_streaming(f"{base}/api/v1/applications", fam.headers, body)
    assert status == 413
    assert body.sent < rt.settings.max_request_bytes + 8 * MB
    assert rt.files.temporary_count() == 0
