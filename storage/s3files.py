"""The file store on S3-compatible object storage (issue 13): FAMILYBOOK_STORAGE_URL=s3://bucket/
prefix, so the API, check workers and OCR workers on different machines share documents.

Objects hold exactly what the local store's files hold (`core/crypto.py`'s encrypted format),
under `prefix/key`. An upload streams: ciphertext collects into parts of
FAMILYBOOK_S3_PART_MIB (8 MiB) that are sent as a multipart upload while the family is still
sending, so a process holds about one part of a file (and what the HTTP client reads of it:
12 MiB measured for 8 MiB parts), never the whole. A file smaller
than one part is a single PUT. Nothing is visible under the key until the upload completes, and
a discarded writer aborts its multipart upload, so a refused upload leaves nothing behind (not
even parts billed in the bucket). Reads stream the object's body a segment at a time.
"""

import bisect
import hashlib
import io
import itertools
import logging
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from core.crypto import MAGIC, Encryptor, Keys, decrypt_after_magic, key_id
from storage.blobs import KEY_PATTERN, READ_CHUNK, StoreBase, StoredBlob, StoreProblem
from storage.s3client import Exact as _Exact
from storage.s3client import answering as _answering
from storage.s3client import connect

__all__ = ["S3Store", "S3Writer", "connect"]

log = logging.getLogger(__name__)

#: Enough of an object's start to hold its header: magic, id length, id (≤255), nonce prefix.
HEADER_BYTES = len(MAGIC) + 1 + 255 + 8


class _Part(io.RawIOBase):
    """A part as the pieces it arrived in, readable and seekable without joining them into one
    more copy (botocore reads a part to hash it, seeks back, then sends it; again on a retry)."""

    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = pieces
        self._starts = list(itertools.accumulate(map(len, pieces), initial=0))
        self._size, self._pos = self._starts[-1], 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view, done = memoryview(buffer).cast("B"), 0
        while done < len(view) and self._pos < self._size:
            i = bisect.bisect_right(self._starts, self._pos) - 1
            offset = self._pos - self._starts[i]
            n = min(len(self._pieces[i]) - offset, len(view) - done)
            view[done : done + n] = memoryview(self._pieces[i])[offset : offset + n]
            done += n
            self._pos += n
        return done


class S3Writer:
    """One upload: encrypted as it arrives, sent a part at a time once a part is full."""

    def __init__(self, store: "S3Store", key: str | None = None, *, encrypt: bool = True) -> None:
        self._store = store
        self.key = key or uuid.uuid4().hex
        self._hash = hashlib.sha256()
        self._cipher: Encryptor | None = store.keys.encryptor() if store.keys and encrypt else None
        # Ciphertext not sent yet, as the pieces it came in, sent as they are (`_Part`): a
        # writer holds about one part (a bytearray's slices and copies would hold three).
        self._pending: list[bytes] = [self._cipher.header] if self._cipher else []
        self._pending_bytes = sum(map(len, self._pending))
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._done = False
        self.size = 0

    @property
    def parts_sent(self) -> int:
        return len(self._parts)

    def write(self, chunk: bytes) -> None:
        self._hold(self._cipher.update(chunk) if self._cipher else bytes(chunk))
        self._hash.update(chunk)
        self.size += len(chunk)
        if self._pending_bytes >= self._store.part_bytes:
            # Parts may be a little over the part size (S3 needs ≥ 5 MiB, all but the last).
            self._send_part(self._take())

    def _hold(self, data: bytes) -> None:
        if data:
            self._pending.append(data)
            self._pending_bytes += len(data)

    def _take(self) -> _Part:
        part = _Part(self._pending)
        self._pending = []
        self._pending_bytes = 0
        return part

    def _send_part(self, data: _Part) -> None:
        s3, bucket, name = self._store.s3, self._store.bucket, self._store.object_name(self.key)
        number = len(self._parts) + 1
        with _answering():
            if self._upload_id is None:
                self._upload_id = s3.create_multipart_upload(Bucket=bucket, Key=name)["UploadId"]
            sent = s3.upload_part(
                Bucket=bucket, Key=name, UploadId=self._upload_id, PartNumber=number, Body=data
            )
        self._parts.append({"ETag": sent["ETag"], "PartNumber": number})

    def commit(self) -> StoredBlob:
        if self._cipher is not None:
            self._hold(self._cipher.finish())
        s3, bucket, name = self._store.s3, self._store.bucket, self._store.object_name(self.key)
        if self._upload_id is None:  # smaller than a part: one request
            with _answering():
                s3.put_object(Bucket=bucket, Key=name, Body=self._take())
        else:
            if self._pending:
                self._send_part(self._take())
            with _answering():
                s3.complete_multipart_upload(
                    Bucket=bucket,
                    Key=name,
                    UploadId=self._upload_id,
                    MultipartUpload={"Parts": self._parts},
                )
            self._upload_id = None
        self._done = True
        return StoredBlob(self.key, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        self._take()
        if self._upload_id is not None and not self._done:
            try:
                self._store.s3.abort_multipart_upload(
                    Bucket=self._store.bucket,
                    Key=self._store.object_name(self.key),
                    UploadId=self._upload_id,
                )
            except (BotoCoreError, ClientError) as exc:
                # Never hides why the upload was discarded. The parts stay invisible under no
                # key; a bucket rule (AbortIncompleteMultipartUpload) clears them (README).
                log.warning("could not abort a multipart upload: %s", type(exc).__name__)
        self._upload_id = None
        self._done = True


class S3Store(StoreBase):
    """`s3` is a boto3 S3 client (made by `connect`); working copies go under `scratch`."""

    def __init__(
        self,
        s3: Any,
        bucket: str,
        prefix: str,
        keys: Keys | None,
        scratch: Path,
        *,
        part_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.s3, self.bucket, self.keys, self.scratch = s3, bucket, keys, scratch
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_bytes = part_bytes

    def object_name(self, key: str) -> str:
        if not KEY_PATTERN.match(key):
            raise ValueError("not a file-store key")
        return self.prefix + key

    def writer(self, key: str | None = None) -> S3Writer:
        return S3Writer(self, key)

    def _body(self, key: str, **extra: Any) -> Any:
        return self.s3.get_object(Bucket=self.bucket, Key=self.object_name(key), **extra)["Body"]

    def chunks(self, key: str) -> Iterator[bytes]:
        """The plaintext, a segment at a time, as the object's body arrives."""
        body = self._body(key)
        try:
            reader = _Exact(body)
            start = reader.read(len(MAGIC))
            if start == MAGIC:
                if self.keys is None:
                    raise ValueError("an encrypted file and no keys to read it")
                yield from decrypt_after_magic(self.keys, reader)
            else:
                yield start
                while block := body.read(READ_CHUNK):
                    yield block
        finally:
            body.close()

    def raw_chunks(self, key: str) -> Iterator[bytes]:
        body = self._body(key)
        try:
            while block := body.read(READ_CHUNK):
                yield block
        finally:
            body.close()

    def put_raw(self, key: str, chunks: Iterable[bytes]) -> None:
        # Already at-rest bytes: stream them as parts with no encryption on top.
        writer = S3Writer(self, key, encrypt=False)
        try:
            for block in chunks:
                writer.write(block)
            writer.commit()
        finally:
            writer.discard()

    def key_id(self, key: str) -> str | None:
        body = self._body(key, Range=f"bytes=0-{HEADER_BYTES - 1}")
        try:
            head = io.BytesIO(body.read())
        finally:
            body.close()
        return key_id(head) if head.getvalue().startswith(MAGIC) else None

    def delete(self, key: str) -> None:
        with _answering():
            self.s3.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def exists(self, key: str) -> bool:
        if not KEY_PATTERN.match(key):
            return False
        try:
            self.s3.head_object(Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def stored_keys(self) -> Iterator[str]:
        pages = self.s3.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if KEY_PATTERN.match(name):
                    yield name

    def unfinished_uploads(self) -> int:
        """Multipart uploads begun and neither completed nor aborted."""
        pages = self.s3.get_paginator("list_multipart_uploads")
        return sum(
            len(page.get("Uploads", []))
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix)
        )

    def temporary_count(self) -> int:
        return self.unfinished_uploads() + self.scratch_count()

    def check(self) -> None:
        """The bucket is there and ours to use: one line saying why not."""
        where = f"s3://{self.bucket}/{self.prefix}"
        try:
            self.s3.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("404", "NoSuchBucket", "NotFound"):
                raise StoreProblem(f"{where}: no such bucket 找不到儲存桶") from None
            raise StoreProblem(f"{where}: refused ({code}) 物件儲存拒絕存取") from None
        except NoCredentialsError:
            raise StoreProblem(
                f"{where}: no credentials 缺少憑證: set FAMILYBOOK_S3_ACCESS_KEY_ID and "
                "FAMILYBOOK_S3_SECRET_ACCESS_KEY (or AWS_* variables, an instance role)"
            ) from None
        except BotoCoreError as exc:
            reason = str(exc).splitlines()[0]
            raise StoreProblem(f"{where}: unreachable 無法連線物件儲存: {reason}") from None
