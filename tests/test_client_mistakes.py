"""Client mistakes are 4xx and one log line, never a 500 with a traceback (issue 12, finding 13):
a lone surrogate in JSON, an upload the client drops half way."""

import logging
import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.support import flow
from tests.support.live import MultipartStream, live_server

LONE_SURROGATES = [
    ("/api/v1/accounts/verify/resend", b'{"email": "\\ud800@example.org"}'),
    ("/api/v1/accounts/verify", b'{"token": "\\udc00"}'),
    ("/api/v1/sessions", b'{"email": "a@example.org", "password": "\\ud800secret!"}'),
]


@pytest.mark.parametrize(("path", "body"), LONE_SURROGATES)
def test_a_lone_surrogate_in_json_is_a_422_in_one_log_line(client, caplog, path, body):
    with caplog.at_level(logging.INFO):
        r = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert not [rec for rec in caplog.records if rec.exc_info]


def test_an_upload_dropped_half_way_is_one_log_line_and_leaves_nothing(client, rt, mail, caplog):
    flow.institution(rt)
    fam = flow.family(client, mail, "drop@example.com")
    body = MultipartStream(
        {"institution": "TTD", "callsign": "7375", "relationship": "spouse"},
        "relationship_documents",
        4 * 1024 * 1024,
    )
    with caplog.at_level(logging.INFO), live_server(rt) as base:
        target = urlsplit(base)
        head = [
            "POST /api/v1/applications HTTP/1.1",
            f"Host: {target.netloc}",
            f"Authorization: {fam.headers['Authorization']}",
            f"Content-Type: {body.content_type}",
            "Transfer-Encoding: chunked",
        ]
        with socket.create_connection((target.hostname, target.port)) as sock:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            for i, piece in enumerate(body):
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                if i == 10:
                    break  # the family's phone loses its connection
        flow.wait_for(lambda: any("disconnected" in r.getMessage() for r in caplog.records))
        time.sleep(0.2)
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert rt.files.temporary_count() == 0 and rt.files.count() == 0
