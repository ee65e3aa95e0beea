"""The local file store: families' originals, sanitized copies and previews on local disk
(FAMILYBOOK_STORAGE_URL unset; `storage/s3files.py` is the object-storage one).

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
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from core.crypto import Encryptor, Keys, decrypt, is_encrypted, key_id
from storage.blobs import (
    DIR_MODE,
    FILE_MODE,
    KEY_PATTERN,
    READ_CHUNK,
    StoreBase,
    StoredBlob,
    StoreProblem,
    private_dir,
    private_file,
)

__all__ = ["DIR_MODE", "FILE_MODE", "FileStore", "LocalWriter", "StoredBlob", "private_dir"]
__all__ += ["private_file"]


class LocalWriter:
    """Receives an upload chunk by chunk; holds only the hash state and one segment."""

    def __init__(self, store: "FileStore", key: str | None = None) -> None:
        self._store = store
        self.key = key or uuid.uuid4().hex
        self.tmp_path = store.root / "tmp" / uuid.uuid4().hex
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
        self._store.place(self._fh, self.tmp_path, self.key)
        return StoredBlob(self.key, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self.tmp_path.unlink(missing_ok=True)


class FileStore(StoreBase):
    def __init__(self, root: Path, keys: Keys | None = None) -> None:
        self.root = root
        self.keys = keys
        self.scratch = root / "tmp"
        private_dir(root)
        private_dir(root / "tmp")

    def path(self, key: str) -> Path:
        """Where the stored (encrypted) bytes are: this backend's own, and its tests'."""
        if not KEY_PATTERN.match(key):
            raise ValueError("not a file-store key")
        return self.root / key[:2] / key[2:4] / key

    def place(self, fh: BinaryIO, tmp_path: Path, key: str) -> None:
        """Close a finished temporary file and move it under `key` in one step."""
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        final = self.path(key)
        private_dir(final.parent.parent)
        private_dir(final.parent)
        os.replace(tmp_path, final)

    def writer(self, key: str | None = None) -> LocalWriter:
        return LocalWriter(self, key)

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

    def raw_chunks(self, key: str) -> Iterator[bytes]:
        with open(self.path(key), "rb") as fh:
            while block := fh.read(READ_CHUNK):
                yield block

    def put_raw(self, key: str, chunks: Iterable[bytes]) -> None:
        tmp_path = self.root / "tmp" / uuid.uuid4().hex
        try:
            fh = os.fdopen(private_file(tmp_path), "wb")
            with fh:
                for block in chunks:
                    fh.write(block)
                self.place(fh, tmp_path, key)
        finally:
            tmp_path.unlink(missing_ok=True)

    def key_id(self, key: str) -> str | None:
        """The id of the key a file is encrypted with (None: stored in clear)."""
        with open(self.path(key), "rb") as fh:
            return key_id(fh) if is_encrypted(fh) else None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key` (a string that is no key has none)."""
        return bool(KEY_PATTERN.match(key)) and self.path(key).is_file()

    def stored_keys(self) -> Iterator[str]:
        for p in self.root.glob("??/??/*"):
            if p.is_file() and KEY_PATTERN.match(p.name):
                yield p.name

    def unfinished_uploads(self) -> int:
        """Uploads being written (temporary files; working copies are in folders beside)."""
        return sum(1 for p in self.scratch.glob("*") if p.is_file())

    def temporary_count(self) -> int:
        return self.scratch_count()

    def check(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise StoreProblem(f"the file store {self.root} is not writable 檔案目錄無法寫入")
