"""The file store: families' originals, sanitized copies and previews on local disk.

Keys are random; nothing a client sends (its file name above all) ever becomes part of a path.
Uploads are written to a temporary name and moved into place only once complete, so a refused
or interrupted upload never leaves a half file under a real key.

At rest every file is encrypted (`core/crypto.py`: AES-GCM in 64 KiB segments, the key's id in
the file's header) when the store has keys, and readable by its owner only: files 0600 in
folders 0700. Readers take the plaintext as a stream (`chunks`) or, for the checks and OCR
that need a path, as a working copy deleted when they are done (`working_copy`). A file
written before encryption (no header) is read as it is, until `familybook keys rotate`.
"""

import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.crypto import Encryptor, Keys, decrypt, is_encrypted, key_id

_KEY = re.compile(r"^[0-9a-f]{32}$")
#: Owner only: files and the folders that hold them.
FILE_MODE, DIR_MODE = 0o600, 0o700
READ_CHUNK = 1024 * 1024


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> int:
    """A new file only its owner can read, opened for writing (a file descriptor)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str


class BlobWriter:
    """Receives an upload chunk by chunk; holds only the hash state and one segment."""

    def __init__(self, store: "FileStore") -> None:
        self._store = store
        self.key = uuid.uuid4().hex
        self.tmp_path = store.root / "tmp" / self.key
        self._fh = os.fdopen(private_file(self.tmp_path), "wb")
        self._hash = hashlib.sha256()
        self._cipher: Encryptor | None = store.keys.encryptor() if store.keys else None
        if self._cipher is not None:
            self._fh.write(self._cipher.header)
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._fh.write(self._cipher.update(chunk) if self._cipher else chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def commit(self) -> StoredBlob:
        if self._cipher is not None:
            self._fh.write(self._cipher.finish())
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        final = self._store.path(self.key)
        private_dir(final.parent.parent)
        private_dir(final.parent)
        os.replace(self.tmp_path, final)
        return StoredBlob(self.key, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self.tmp_path.unlink(missing_ok=True)


class FileStore:
    def __init__(self, root: Path, keys: Keys | None = None) -> None:
        self.root = root
        self.keys = keys
        private_dir(root)
        private_dir(root / "tmp")

    def path(self, key: str) -> Path:
        """Where the stored (encrypted) bytes are: for the store itself and for tests."""
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
            shutil.copyfileobj(fh, _WriterAdapter(writer), READ_CHUNK)
            return writer.commit()

    def chunks(self, key: str) -> Iterator[bytes]:
        """The file's plaintext, a segment at a time (a download streams it)."""
        with open(self.path(key), "rb") as fh:
            if is_encrypted(fh):
                if self.keys is None:
                    raise ValueError("an encrypted file and no keys to read it")
                yield from decrypt(self.keys, fh)
            else:
                while block := fh.read(READ_CHUNK):
                    yield block

    def read_bytes(self, key: str) -> bytes:
        """The whole plaintext: for small files and tests only."""
        return b"".join(self.chunks(key))

    @contextmanager
    def working_copy(self, key: str) -> Iterator[Path]:
        """The plaintext in a private temporary file, for code that needs a path (the checks,
        OCR); deleted when the block ends."""
        folder = Path(tempfile.mkdtemp(prefix="work-", dir=self.root / "tmp"))
        try:
            path = folder / key
            with os.fdopen(private_file(path), "wb") as out:
                for block in self.chunks(key):
                    out.write(block)
            yield path
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def key_id(self, key: str) -> str | None:
        """The id of the key a file is encrypted with (None: stored in clear)."""
        with open(self.path(key), "rb") as fh:
            return key_id(fh) if is_encrypted(fh) else None

    def reencrypt(self, key: str) -> bool:
        """Write the file again under the current key, same store key; False if it already
        was. The new copy replaces the old one atomically."""
        if self.keys is None or self.key_id(key) == self.keys.current:
            return False
        with self.writing() as writer:
            for block in self.chunks(key):
                writer.write(block)
            writer.key = key
            writer.commit()
        return True

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key` (a string that is no key has none)."""
        return bool(_KEY.match(key)) and self.path(key).is_file()

    def count(self) -> int:
        """Files under real keys (tests use it to prove nothing was left behind)."""
        return sum(1 for p in self.root.glob("??/??/*") if p.is_file())

    def temporary_count(self) -> int:
        return sum(1 for p in (self.root / "tmp").rglob("*") if p.is_file())


class _WriterAdapter:
    def __init__(self, writer: BlobWriter) -> None:
        self._writer = writer

    def write(self, chunk: bytes) -> int:
        self._writer.write(chunk)
        return len(chunk)
