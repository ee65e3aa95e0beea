"""What every file store offers (issue 13): the local folder (`storage/files.py`) and
S3-compatible object storage (`storage/s3files.py`), chosen by FAMILYBOOK_STORAGE_URL.

Callers see only `BlobStore` (`rt.files`): a writer that takes an upload chunk by chunk and
either commits it under a random key or discards it leaving nothing, and readers of the
plaintext. Both backends keep the same encrypted format at rest (`core/crypto.py`), so a file
can move between them (backup, restore) as its stored bytes.

`StoreBase` holds what both do the same way on top of their own primitives: the `writing`
block, `put_file`, whole reads, working copies and re-encryption.
"""

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from moderation.errors import ErrorCode, Unavailable

#: A store key: 32 hex digits (uuid4), never anything a client sent.
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
#: Owner only: files and the folders that hold them.
FILE_MODE, DIR_MODE = 0o600, 0o700
READ_CHUNK = 1024 * 1024


def storage_unavailable() -> Unavailable:
    """The store did not answer while an upload was being kept: nothing was saved, and the
    family may simply send it again (503 with Retry-After; a worker's message is retried)."""
    return Unavailable(
        code=ErrorCode.STORAGE_UNAVAILABLE,
        message="檔案儲存暫時無法使用，您的資料沒有送出，請稍後再試。",
        message_en="Document storage is briefly unavailable; nothing was saved. Try again later.",
        extra={"retry_after": 30},
    )


class StoreProblem(Exception):
    """The store cannot be used as configured (no such bucket, unreachable, refused); the
    message is one line for the operator."""


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> int:
    """A new file only its owner can read, opened for writing (a file descriptor)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)


class BlobWriter(Protocol):
    """Receives one file chunk by chunk, holding a bounded amount of it in memory."""

    key: str
    size: int

    def write(self, chunk: bytes) -> None: ...
    def commit(self) -> StoredBlob:
        """The file complete under `key`, all at once (never a half file under a real key)."""
        ...

    def discard(self) -> None:
        """Leave nothing behind; after `commit` it does nothing."""
        ...


class BlobStore(Protocol):
    @property
    def current_key(self) -> str | None:
        """The id of the key new files are encrypted with (None: stored in clear)."""
        ...

    def writer(self, key: str | None = None) -> BlobWriter:
        """A new file under a random key, or replacing `key` when it commits."""
        ...

    def writing(self, key: str | None = None) -> AbstractContextManager[BlobWriter]:
        """A writer that is discarded unless committed inside the block."""
        ...

    def put_file(self, source: Path) -> StoredBlob: ...
    def chunks(self, key: str) -> Iterator[bytes]:
        """The plaintext, streamed."""
        ...

    def read_bytes(self, key: str) -> bytes: ...
    def working_copy(self, key: str) -> AbstractContextManager[Path]: ...
    def key_id(self, key: str) -> str | None: ...
    def reencrypt(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def count(self) -> int: ...
    def temporary_count(self) -> int:
        """Unfinished writes and working copies left over (0 after every request)."""
        ...

    def unfinished_uploads(self) -> int:
        """Writes begun and neither committed nor discarded (working copies not counted)."""
        ...

    def stored_keys(self) -> Iterator[str]:
        """Every key holding a file (key rotation, backup)."""
        ...

    def raw_chunks(self, key: str) -> Iterator[bytes]:
        """The stored (encrypted) bytes as they are: for backup and for tests."""
        ...

    def put_raw(self, key: str, chunks: Iterable[bytes]) -> None:
        """Store bytes already in the at-rest format under `key` (restore)."""
        ...

    def check(self) -> None:
        """Raise StoreProblem if the store cannot be used (checked when a command starts)."""
        ...


class StoreBase:
    """The parts of `BlobStore` both backends share; `scratch` holds working copies."""

    scratch: Path

    def writer(self, key: str | None = None) -> BlobWriter:
        raise NotImplementedError

    def chunks(self, key: str) -> Iterator[bytes]:
        raise NotImplementedError

    def key_id(self, key: str) -> str | None:
        raise NotImplementedError

    def stored_keys(self) -> Iterator[str]:
        raise NotImplementedError

    @property
    def current_key(self) -> str | None:
        keys = getattr(self, "keys", None)
        return keys.current if keys is not None else None

    @contextmanager
    def writing(self, key: str | None = None) -> Iterator[BlobWriter]:
        """A writer that is discarded unless committed inside the block."""
        writer = self.writer(key)
        try:
            yield writer
        finally:
            writer.discard()

    def put_file(self, source: Path) -> StoredBlob:
        with self.writing() as writer, open(source, "rb") as fh:
            while block := fh.read(READ_CHUNK):
                writer.write(block)
            return writer.commit()

    def read_bytes(self, key: str) -> bytes:
        """The whole plaintext: for small files and tests only."""
        return b"".join(self.chunks(key))

    @contextmanager
    def working_copy(self, key: str) -> Iterator[Path]:
        """The plaintext in a private temporary file, for code that needs a path (the checks,
        OCR); deleted when the block ends."""
        folder = Path(tempfile.mkdtemp(prefix="work-", dir=private_dir(self.scratch)))
        try:
            path = folder / key
            with os.fdopen(private_file(path), "wb") as out:
                for block in self.chunks(key):
                    out.write(block)
            yield path
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def reencrypt(self, key: str) -> bool:
        """Write the file again under the current key, same store key; False if it already
        was. The new copy replaces the old one at once when it commits."""
        if self.current_key is None or self.key_id(key) == self.current_key:
            return False
        with self.writing(key) as writer:
            for block in self.chunks(key):
                writer.write(block)
            writer.commit()
        return True

    def count(self) -> int:
        """Files under real keys (tests use it to prove nothing was left behind)."""
        return sum(1 for _ in self.stored_keys())

    def scratch_count(self) -> int:
        if not self.scratch.exists():
            return 0
        return sum(1 for p in self.scratch.rglob("*") if p.is_file())
