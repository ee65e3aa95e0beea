"""A real SMTP server (aiosmtpd) that keeps what it receives, for the tests to read."""

import email
import email.policy
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, sink: "MailSink") -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        # Addresses a test wants refused for good, as a real server refuses unknown users.
        if address.startswith("nobody-here@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(msg)  # type: ignore[arg-type]
            self.sink.over_tls.append(session.ssl is not None)
        return "250 OK"


class MailSink:
    """`tls`: offer STARTTLS with this server context (a certificate of our own making), or
    with `implicit`, speak TLS from the first byte (smtps://)."""

    def __init__(
        self, port: int | None = None, tls: ssl.SSLContext | None = None, implicit: bool = False
    ) -> None:
        self.implicit = implicit
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        #: Per message received: whether it arrived over TLS.
        self.over_tls: list[bool] = []
        self.lock = threading.Lock()
        self.tls = tls
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=None if self.implicit else self.tls,
            ssl_context=self.tls if self.implicit else None,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.over_tls.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} email(s) to {address}, got {self.to(address)}")

    def wait_for_subject(self, address: str, part: str, timeout: float = 15.0) -> EmailMessage:
        """The one email to `address` whose subject holds `part`. Workers send concurrently, so
        arrival order says nothing; a subject seen twice is a duplicate send and fails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.to(address) if part in str(m["Subject"])]
            assert len(found) <= 1, f"{len(found)} emails to {address} about {part!r}"
            if found:
                return found[0]
            time.sleep(0.05)
        subjects = [str(m["Subject"]) for m in self.to(address)]
        raise AssertionError(f"no email to {address} about {part!r}; got {subjects}")

    def duplicates(self) -> list[str]:
        """Message-IDs received more than once (the outbox promises each email once)."""
        with self.lock:
            ids = [str(m["Message-ID"]) for m in self.messages]
        return sorted({i for i in ids if ids.count(i) > 1})
