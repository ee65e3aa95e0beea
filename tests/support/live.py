"""The API under a real uvicorn server in a thread, for what TestClient cannot show: it reads
a request body whole before the app sees it, so streaming behaviour needs a real socket."""

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import uvicorn
import uvicorn.config

from familybook.app import create_app
from usecases.runtime import Runtime

#: Socket buffers of the live server and the streaming client (the kernel doubles them).
SOCKET_BUFFER = 256 * 1024


@contextmanager
def live_server(rt: Runtime, *, access_log: bool = False) -> Iterator[str]:
    """`access_log`: uvicorn logs each request at INFO through the ordinary logging tree (no
    config of its own), where pytest's caplog sees it."""
    # A fixed receive buffer (it also turns off the kernel's autotuning, which lets loopback
    # windows grow to tens of MB): what a client counts as sent then tells what the server read,
    # give or take this buffer, however fast the machine is.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(rt, run_workers=False),
        host="127.0.0.1",
        port=port,
        log_level="info" if access_log else "warning",
        log_config=None if access_log else uvicorn.config.LOGGING_CONFIG,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-api", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live API did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


class MultipartStream:
    """A multipart body sent piece by piece, counting what the server took before it answered;
    `pause_after` bytes into the file it waits until `resume` is set."""

    BOUNDARY = "familybook-test-boundary"

    def __init__(
        self,
        fields: dict[str, str],
        file_field: str,
        file_bytes: int,
        *,
        head: bytes = b"%PDF-1.4\n",
        pause_after: int | None = None,
        other_files: dict[str, tuple[str, bytes]] | None = None,
    ) -> None:
        self.fields, self.file_field, self.file_bytes = fields, file_field, file_bytes
        self.other_files = other_files or {}
        self.head, self.pause_after = head, pause_after
        self.sent = 0
        self.paused = threading.Event()
        self.resume = threading.Event()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.BOUNDARY}"

    def __iter__(self) -> Iterator[bytes]:
        b = self.BOUNDARY
        for name, value in self.fields.items():
            part = f'--{b}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            yield self._count(part.encode())
        for name, (filename, data) in self.other_files.items():
            yield self._count(
                f'--{b}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        yield self._count(
            f'--{b}\r\nContent-Disposition: form-data; name="{self.file_field}"; '
            f'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        yield self._count(self.head)
        chunk = b"0" * 65536
        file_sent = len(self.head)
        while file_sent < self.file_bytes:
            if self.pause_after is not None and file_sent >= self.pause_after:
                self.paused.set()
                self.resume.wait(timeout=60)
                self.pause_after = None
            yield self._count(chunk)
            file_sent += len(chunk)
        yield self._count(f"\r\n--{b}--\r\n".encode())

    def _count(self, data: bytes) -> bytes:
        self.sent += len(data)
        return data


class JsonStream:
    """A JSON login body of `size` bytes (almost all of it the password), sent piece by piece
    like MultipartStream, counting what the server took before it answered."""

    content_type = "application/json"

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        head, tail = b'{"email": "a@example.com", "password": "', b'"}'
        yield self._count(head)
        chunk = b"x" * 65536
        left = self.size - len(head) - len(tail)
        while left > 0:
            yield self._count(chunk[:left])
            left -= len(chunk)
        yield self._count(tail)

    def _count(self, data: bytes) -> bytes:
        self.sent += len(data)
        return data


def post_streaming(
    url: str, headers: dict[str, str], body: "MultipartStream | JsonStream"
) -> tuple[int, dict[str, Any]]:
    """POST the body chunk by chunk over a plain socket, stopping as soon as the server has
    answered: `body.sent` then says how much the server took before it refused."""
    target = urlsplit(url)
    lines = [f"POST {target.path} HTTP/1.1", f"Host: {target.netloc}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in {**headers, "Content-Type": body.content_type}.items()]
    lines.append("Transfer-Encoding: chunked")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # A small send buffer: `sent` cannot run megabytes ahead of what the server read.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
        sock.settimeout(30)
        sock.connect((target.hostname, target.port))
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for piece in body:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is in: stop sending
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            except OSError:
                break  # the server closed its side after answering
        else:
            sock.sendall(b"0\r\n\r\n")
        raw = b""
        try:
            while chunk := sock.recv(65536):
                raw += chunk
        except ConnectionResetError:
            pass  # it closed on the body it refused; what it answered first is in `raw`
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    if b"transfer-encoding: chunked" in head.lower():
        payload = _unchunk(payload)
    return status, json.loads(payload)


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        out, data = out + rest[:size], rest[size + 2 :]
    return out
