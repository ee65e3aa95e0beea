"""The file store: families' originals, sanitized copies and previews on local disk.

Keys are random; nothing a client sends (its file name above all) ever becomes part of a path.
Uploads are written to a temporary name and moved into place only once complete, so a refused
or interrupted upload never leaves a half file under a real key.
"""

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_KEY = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str


class BlobWriter:
    """Receives an upload chunk by chunk; holds only the hash state in memory."""

    def __init__(self, store: "FileStore") -> None:
        self._store = store
        self.key = uuid.uuid4().hex
        self.tmp_path = store.root / "tmp" / self.key
        self._fh = open(self.tmp_path, "wb")  # noqa: SIM115 - closed in commit/discard
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._fh.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def commit(self) -> StoredBlob:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        final = self._store.path(self.key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.tmp_path, final)
        return StoredBlob(self.key, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self.tmp_path.unlink(missing_ok=True)


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("not a file-store key")
        return self.root / key[:2] / key[2:4] / key

    def writer(self) -> BlobWriter:
        return BlobWriter(self)

    @contextmanager
    def writing(self) -> Iterator[BlobWriter]:
        """A writer that is discarded unless committed inside the block."""
        writer = self.writer()
        try:
            yield writer
        finally:
            writer.discard()

    def put_file(self, source: Path) -> StoredBlob:
        with self.writing() as writer, open(source, "rb") as fh:
            shutil.copyfileobj(fh, _WriterAdapter(writer), 1024 * 1024)
            return writer.commit()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key` (a string that is no key has none)."""
        return bool(_KEY.match(key)) and self.path(key).is_file()

    def count(self) -> int:
        """Files under real keys (tests use it to prove nothing was left behind)."""
        return sum(1 for p in self.root.glob("??/??/*") if p.is_file())

    def temporary_count(self) -> int:
        return sum(1 for p in (self.root / "tmp").iterdir() if p.is_file())


class _WriterAdapter:
    def __init__(self, writer: BlobWriter) -> None:
        self._writer = writer

    def write(self, chunk: bytes) -> int:
        self._writer.write(chunk)
        return len(chunk)
