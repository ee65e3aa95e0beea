"""What a use case runs against: settings, database, file store, and the broker's wake-ups.

Built once per process by the composition (`familybook/bootstrap.py`) and handed down; nothing
here reads the environment or builds a broker on import.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from core.security import Passwords
from core.settings import Settings
from storage.blobs import BlobStore
from storage.db import Database


class Queues(Protocol):
    """The broker, as the use cases see it: wake a worker for a record the database holds.

    A wake-up may be lost (broker down): the record is safe and the sweeper sends it again, so
    these answer False instead of raising."""

    def wake_check(self, attempt_id: str) -> bool: ...
    def wake_ocr(self, attempt_id: str, *, post: bool = False) -> bool:
        """A post's photo-text OCR goes to its own queue: never behind applications' OCR."""
        ...

    def wake_email(self, outbox_id: str) -> bool: ...
    def ping(self) -> str:
        """ "ok" or why not (for readiness)."""
        ...

    def dead_letters(self) -> dict[str, Any] | None:
        """Dead messages per queue, or None where the broker keeps none (in-process)."""
        ...


@dataclass
class Runtime:
    settings: Settings
    db: Database
    files: BlobStore
    passwords: Passwords
    queues: Queues


class NoQueues:
    """Before the broker is attached (commands that never wake a worker): every wake-up is left
    to the sweeper, as if the broker were down."""

    def wake_check(self, attempt_id: str) -> bool:
        return False

    def wake_ocr(self, attempt_id: str, *, post: bool = False) -> bool:
        return False

    def wake_email(self, outbox_id: str) -> bool:
        return False

    def ping(self) -> str:
        return "ok (none)"

    def dead_letters(self) -> dict[str, Any] | None:
        return None
