"""Receive a multipart upload straight into the file store, never holding a file in memory.

Starlette's own form parser spools without any total limit (PITFALLS.md), so we drive
python-multipart's streaming parser ourselves: each part's bytes go to a file-store writer as
they arrive, and the request is refused with 413 the moment the byte limit is crossed. A refused
or failed upload leaves nothing behind; an accepted one is committed to the store and the caller
must `discard()` it if the database refuses it afterwards.
"""

import unicodedata
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath

import anyio
from fastapi.concurrency import run_in_threadpool
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from moderation.checks.base import display_name
from moderation.errors import ErrorCode, InvalidInput
from moderation.file_rules import FileRules, file_too_large, refusal, total_too_large
from storage.blobs import BlobStore, BlobWriter
from storage.uploads import Upload, UploadedFile

MB = 1024 * 1024
#: A text field longer than this is not a title or a callsign.
MAX_FIELD_BYTES = 16 * 1024
MAX_PARTS = 32
#: Bytes gathered on the event loop before one thread hop parses (and writes) them. The server
#: hands the body over in pieces of 64 KiB or less: a 2 MB photo was 32 hops or more, each
#: waiting its turn for a thread beside every family's reads. A quarter of a mebibyte keeps the
#: memory an upload holds small and a refusal for size prompt.
PARSE_BATCH_BYTES = 256 * 1024


#: Given the text fields seen before the first file, the rules to stream under (None: the
#: fields do not say yet; the request-wide ceiling applies and the use case checks afterwards).
RulesFor = Callable[[dict[str, str]], FileRules | None]


def clean_filename(raw: str) -> str:
    """A name fit to show a reviewer: no path, no control or bidi characters, not too long."""
    name = PureWindowsPath(PurePosixPath(raw).name).name
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    return name.strip(" .")[:200] or "file"


def _bad_form(detail: str) -> InvalidInput:
    return InvalidInput(
        code=ErrorCode.INVALID_FORM,
        message="上傳的表單格式不正確，請重新送出。",
        message_en=f"The form could not be read: {detail}.",
    )


class _Receiver:
    """python-multipart callbacks that route each part to a field buffer or a blob writer."""

    def __init__(
        self,
        store: BlobStore,
        file_fields: frozenset[str],
        max_bytes: int,
        rules_for: RulesFor | None = None,
    ) -> None:
        self.store, self.file_fields, self.max_bytes = store, file_fields, max_bytes
        self.rules_for = rules_for
        self.rules: FileRules | None = None
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
            if self.rules is None and self.rules_for is not None:
                # Asked once, at the first file: the fields a form sends first say whose
                # limits apply, so an over-limit file is refused while it streams.
                self.rules = self.rules_for(dict(self.upload.fields))
                self.rules_for = None
            self._filename = clean_filename(filename.decode("utf-8", "replace"))
            self._writer = self.store.writer()
            self.this_file_bytes = 0

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self.received += end - start
        if self.received > self.max_bytes:
            raise refusal(total_too_large(self.max_bytes))
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
        if self.rules is None:
            return
        if self.file_bytes > self.rules.total_bytes:
            raise refusal(total_too_large(self.rules.total_bytes))
        if self.this_file_bytes > self.rules.per_file_bytes:
            name = display_name(self._filename or "")
            raise refusal(file_too_large(self.rules.per_file_bytes, name))

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
    store: BlobStore,
    *,
    file_fields: frozenset[str],
    max_bytes: int,
    rules_for: RulesFor | None = None,
) -> Upload:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise _bad_form("expected multipart/form-data")
    declared_length = request.headers.get("content-length")
    if declared_length and declared_length.isdigit() and int(declared_length) > max_bytes + MB:
        raise refusal(total_too_large(max_bytes))
    receiver = _Receiver(store, file_fields, max_bytes, rules_for)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    batch = bytearray()
    try:
        async for chunk in request.stream():
            # Parsing writes (and fsyncs) files and may ask the database for limits: off the
            # event loop, so one slow disk or upload never stalls the other requests.
            batch += chunk
            if len(batch) >= PARSE_BATCH_BYTES:
                await run_in_threadpool(parser.write, bytes(batch))
                batch.clear()
        if batch:
            await run_in_threadpool(parser.write, bytes(batch))
        await run_in_threadpool(parser.finalize)
    except MultipartParseError as exc:
        await _abort(receiver)
        raise _bad_form(str(exc)) from None
    except BaseException:
        await _abort(receiver)
        raise
    return receiver.upload


async def _abort(receiver: _Receiver) -> None:
    """Off the event loop (an object store's abort is a request over the network), and
    shielded: a client that went away cancels the request, never the clean-up."""
    with anyio.CancelScope(shield=True):
        await run_in_threadpool(receiver.abort)
