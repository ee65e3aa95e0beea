"""Receive a multipart upload straight into the file store, never holding a file in memory.

Starlette's own form parser spools without any total limit (PITFALLS.md), so we drive
python-multipart's streaming parser ourselves: each part's bytes go to a file-store writer as
they arrive, and the request is refused with 413 the moment the byte limit is crossed. A refused
or failed upload leaves nothing behind; an accepted one is committed to the store and the caller
must `discard()` it if the database refuses it afterwards.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from fastapi.concurrency import run_in_threadpool
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from moderation.errors import InvalidInput, TooLarge
from storage.files import BlobWriter, FileStore, StoredBlob

MB = 1024 * 1024
#: A text field longer than this is not a title or a callsign.
MAX_FIELD_BYTES = 16 * 1024
MAX_PARTS = 32


@dataclass
class UploadedFile:
    field: str
    original_name: str
    declared_type: str
    blob: StoredBlob


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    store: FileStore | None = None

    def discard(self) -> None:
        if self.store is not None:
            for f in self.files:
                self.store.delete(f.blob.key)

    def total_bytes(self) -> int:
        return sum(f.blob.size for f in self.files)

    def files_in(self, name: str) -> list[UploadedFile]:
        return [f for f in self.files if f.field == name]


@dataclass(frozen=True)
class UploadLimits:
    """The institution's byte limits, known once the form's text fields have arrived."""

    total_file_bytes: int
    per_file_bytes: int | None = None


#: Given the text fields seen before the first file, the limits to stream under (None: the
#: fields do not say yet; the request-wide ceiling applies and the domain checks afterwards).
LimitsFor = Callable[[dict[str, str]], UploadLimits | None]


def clean_filename(raw: str) -> str:
    """A name fit to show a reviewer: no path, no control or bidi characters, not too long."""
    name = PureWindowsPath(PurePosixPath(raw).name).name
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    return name.strip(" .")[:200] or "file"


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        code="upload_too_large",
        message=f"上傳的檔案合計超過 {limit // MB} MB，請縮小照片或減少檔案後再送出。",
        message_en=f"The upload is over {limit // MB} MB in total; use smaller or fewer files.",
        extra={"limit_bytes": limit},
    )


def file_too_large(limit: int) -> TooLarge:
    return TooLarge(
        code="file_too_large",
        message=f"有一個檔案超過 {limit // MB} MB，請縮小照片（例如用手機的「中」尺寸）後再送出。",
        message_en=f"One file is over {limit // MB} MB; use a smaller photo or scan.",
        extra={"limit_bytes": limit},
    )


def _bad_form(detail: str) -> InvalidInput:
    return InvalidInput(
        code="invalid_form",
        message="上傳的表單格式不正確，請重新送出。",
        message_en=f"The form could not be read: {detail}.",
    )


class _Receiver:
    """python-multipart callbacks that route each part to a field buffer or a blob writer."""

    def __init__(
        self,
        store: FileStore,
        file_fields: frozenset[str],
        max_bytes: int,
        limits_for: LimitsFor | None = None,
    ) -> None:
        self.store, self.file_fields, self.max_bytes = store, file_fields, max_bytes
        self.limits_for = limits_for
        self.limits: UploadLimits | None = None
        self.upload = Upload(store=store)
        self.received = 0
        self.file_bytes = 0
        self.this_file_bytes = 0
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._filename: str | None = None
        self._text = bytearray()
        self._writer: BlobWriter | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._add(d, s, e, "_header_name"),
            "on_header_value": lambda d, s, e: self._add(d, s, e, "_header_value"),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _add(self, data: bytes, start: int, end: int, attr: str) -> None:
        setattr(self, attr, getattr(self, attr) + data[start:end])

    def _part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise _bad_form("too many parts")
        self._headers, self._text, self._filename = {}, bytearray(), None

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is not None and self._name in self.file_fields:
            if self.limits is None and self.limits_for is not None:
                # Asked once, at the first file: the fields a form sends first say whose
                # limits apply, so an over-limit file is refused while it streams.
                self.limits = self.limits_for(dict(self.upload.fields))
                self.limits_for = None
            self._filename = clean_filename(filename.decode("utf-8", "replace"))
            self._writer = self.store.writer()
            self.this_file_bytes = 0

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self.received += end - start
        if self.received > self.max_bytes:
            raise too_large(self.max_bytes)
        if self._writer is not None:
            self._count_file_bytes(end - start)
            self._writer.write(data[start:end])
        else:
            self._text += data[start:end]
            if len(self._text) > MAX_FIELD_BYTES:
                raise _bad_form(f"field {self._name} too long")

    def _count_file_bytes(self, n: int) -> None:
        self.file_bytes += n
        self.this_file_bytes += n
        if self.limits is None:
            return
        if self.file_bytes > self.limits.total_file_bytes:
            raise too_large(self.limits.total_file_bytes)
        per_file = self.limits.per_file_bytes
        if per_file is not None and self.this_file_bytes > per_file:
            raise file_too_large(per_file)

    def _part_end(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            declared = self._headers.get(b"content-type", b"application/octet-stream")
            self.upload.files.append(
                UploadedFile(
                    self._name,
                    self._filename or "file",
                    declared.decode("latin-1")[:100],
                    writer.commit(),
                )
            )
        elif self._filename is None and self._name:
            self.upload.fields[self._name] = self._text.decode("utf-8", "replace")

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.discard()
        self.upload.discard()


async def receive_upload(
    request: Request,
    store: FileStore,
    *,
    file_fields: frozenset[str],
    max_bytes: int,
    limits_for: LimitsFor | None = None,
) -> Upload:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise _bad_form("expected multipart/form-data")
    declared_length = request.headers.get("content-length")
    if declared_length and declared_length.isdigit() and int(declared_length) > max_bytes + MB:
        raise too_large(max_bytes)
    receiver = _Receiver(store, file_fields, max_bytes, limits_for)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            # Parsing writes (and fsyncs) files and may ask the database for limits: off the
            # event loop, so one slow disk or upload never stalls the other requests.
            await run_in_threadpool(parser.write, chunk)
        await run_in_threadpool(parser.finalize)
    except MultipartParseError as exc:
        receiver.abort()
        raise _bad_form(str(exc)) from None
    except BaseException:
        receiver.abort()
        raise
    return receiver.upload
