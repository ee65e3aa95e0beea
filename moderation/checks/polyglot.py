"""Polyglots: a file that is a valid JPEG, PNG or PDF *and* something else.

A JPEG with a ZIP appended opens as a photo and as an archive; a JPEG whose comment holds
`%PDF-` opens as a PDF in some readers. Two outcomes:
- another file type is hidden in it (archive, PDF inside an image, web page, script, program):
  refused, `file_polyglot`. A camera or a scanner never makes such a file.
- plain bytes after the format's end (phones append motion-photo videos or vendor trailers):
  accepted with the note `trailing_data_stripped`; the sanitized copy is rebuilt from pixels or
  rendered pages, so the extra bytes never reach a reviewer or an inmate.
The original keeps its bytes for the record; only sanitized copies are ever shown.

PDFs are read differently: libmagic calls a file a PDF when `%PDF-` appears anywhere in its
first kilobyte, and PDF readers skip whatever is not PDF syntax, so a web page followed by a
PDF, or a PDF with a program spliced between its objects and a fresh `startxref`/`%%EOF` after
it, opens in both worlds. A PDF must therefore start with `%PDF-`, and its bytes outside
stream bodies (which hold only PDF syntax: objects, xref tables, comments) must not hold a web
page, an SVG, a program or an archive. Stream bodies are skipped: compressed data matches
short signatures by chance, and what they hold is checked by `pdfs` (active content) and
replaced by rendered pixels in the sanitized copy.
"""

import io
import mmap
import re
import zipfile

from moderation.checks.base import (
    CheckCode,
    CheckContext,
    CheckOutcome,
    FileFacts,
    FileUnderCheck,
    display_name,
    fail,
    note,
    ok,
)

CODE = CheckCode.FILE_POLYGLOT
#: Markers searched in the whole of an image: long enough that compressed pixel data never
#: matches one by chance (a 5-byte marker: about once in 10^5 photos of 10 MB; longer: never).
#: Searched one by one with `bytes.find`: a single alternation regex is ~20x slower.
EXACT_MARKERS = (b"%PDF-", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
#: The same, searched in a lower-cased copy (HTML is case-insensitive).
LOWER_MARKERS = (b"<script", b"<!doctype html", b"<?php", b"<iframe")
HTML_TAG = re.compile(rb"<html[\s>]")
#: Short tag names (`<svg`, `<body`) match compressed pixels by chance (`<svg` in about 2% of
#: 10 MB photos), so a hit counts only when a whole tag follows: `>`, or a space or `/` then
#: printable text up to `>` (random bytes do that about once in 10^6 photos).
TAG_MARKERS = (b"<svg", b"<body")
TAG_REST = re.compile(rb"(?:>|[\s/][\x20-\x7e\t\r\n]{0,512}?>)")
#: `<body` is inert without a handler, and PDF viewers write `<body xmlns=…>` into the rich
#: text of comments and form fields (/RC, /RV): in a PDF only a body with a handler counts.
PDF_BODY_TAG = re.compile(rb"<body[\s/][\x20-\x3d\x3f-\x7e\t\r\n]{0,512}?\bon[a-z]+\s*=")
#: Programs and archives; searched only where a PDF holds its own syntax (short signatures
#: would match an image's compressed pixels by chance).
PROGRAM_MARKERS = (b"\x7fELF", b"PE\x00\x00", b"PK\x03\x04", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
#: Markers of another file at the *start* of trailing data, where short ones are meaningful.
TRAILER_MARKERS = re.compile(
    rb"\s*(?:PK\x03\x04|\x7fELF|MZ|\x1f\x8b\x08|%PDF-|BZh|\xfd7zXZ|(?i:<[!?a-z]))"
)
#: What a family can do about it: a camera's or scanner's own file never has this.
ADVICE_IMAGE = (
    "請直接上傳相機拍的照片或掃描器產生的原始檔案。",
    "Upload the photo or scan exactly as the camera or scanner made it.",
)
ADVICE_PDF = (
    "請開啟檔案後用「列印 > 另存為 PDF」重新產生一份，或改傳照片。",
    "Open it and use Print > Save as PDF to make a clean copy, or send a photo instead.",
)
#: Trailing bytes of this kind are padding, not data worth a note.
PADDING = re.compile(rb"[\x00\xff\s]{0,64}")


def check_polyglot(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> list[CheckOutcome]:
    kind = facts.detected_type
    if kind not in ("image/jpeg", "image/png", "application/pdf"):
        return []
    with open(file.path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        end = {"image/jpeg": jpeg_end, "image/png": png_end, "application/pdf": pdf_end}[kind](mm)
        hidden = _hidden_content(mm, end, kind)
        trailing = 0 if end is None else len(mm) - end
        if end is not None and PADDING.fullmatch(mm[end:]):
            trailing = 0
    name = display_name(file.original_name)
    if hidden:
        return [_refuse(file, hidden, kind)]
    if trailing:
        facts.stripped_bytes = trailing
        return [
            note(
                file.file_id,
                CheckCode.TRAILING_DATA_STRIPPED,
                f"「{name}」結尾有 {trailing} 位元組的額外資料，已在安全副本中移除。",
                f"'{name}' had {trailing} extra bytes at its end; the safe copy leaves them out.",
            )
        ]
    return [ok(file.file_id, CheckCode.FILE_SINGLE_FORMAT)]


def _refuse(file: FileUnderCheck, hidden: tuple[str, str], kind: str) -> CheckOutcome:
    name = display_name(file.original_name)
    advice = ADVICE_PDF if kind == "application/pdf" else ADVICE_IMAGE
    return fail(
        file.file_id,
        CODE,
        f"「{name}」裡面藏有其他檔案（{hidden[0]}），無法接受。{advice[0]}",
        f"'{name}' has another file hidden in it ({hidden[1]}). {advice[1]}",
    )


def _hidden_content(mm: mmap.mmap, end: int | None, kind: str) -> tuple[str, str] | None:
    """What kind of other file is hidden in `mm` (in Chinese and English), or None."""
    if _has_zip_directory(mm):
        return ("壓縮檔 ZIP", "a ZIP archive")
    if end is not None and TRAILER_MARKERS.match(mm, end):
        return ("附加在結尾的檔案", "a file appended at the end")
    if kind == "application/pdf":
        return _hidden_in_pdf(mm)
    if _has_markers(mm[:], EXACT_MARKERS):
        return ("PDF、網頁或程式碼", "a PDF, a web page or code")
    return None


def _hidden_in_pdf(mm: mmap.mmap) -> tuple[str, str] | None:
    if mm[:5] != b"%PDF-":
        return ("PDF 開頭之前的其他資料", "other data before the PDF's start")
    syntax = pdf_outside_streams(mm[:])
    if syntax.find(b"%PDF-", 1) >= 0:
        return ("另一份 PDF", "a second PDF")
    if _has_markers(syntax, PROGRAM_MARKERS, in_pdf=True):
        return ("網頁、程式或壓縮檔", "a web page, a program or an archive")
    return None


def _has_markers(data: bytes, exact: tuple[bytes, ...], *, in_pdf: bool = False) -> bool:
    if any(data.find(marker) >= 0 for marker in exact):
        return True
    lower = data.lower()
    if any(lower.find(m) >= 0 for m in LOWER_MARKERS) or HTML_TAG.search(lower):
        return True
    if in_pdf:
        return _has_tag(lower, b"<svg") or bool(PDF_BODY_TAG.search(lower))
    return any(_has_tag(lower, marker) for marker in TAG_MARKERS)


def _has_tag(lower: bytes, marker: bytes) -> bool:
    """Whether `marker` starts a whole tag somewhere in `lower` (see TAG_MARKERS)."""
    at = lower.find(marker)
    while at >= 0:
        if TAG_REST.match(lower, at + len(marker)):
            return True
        at = lower.find(marker, at + 1)
    return False


def pdf_outside_streams(data: bytes) -> bytes:
    """The PDF's own syntax: everything but the bodies of `stream` … `endstream`.

    Pieces are joined by a line break so that no marker forms across a removed body. A
    stream without `endstream` hides nothing: the rest of the file counts as syntax."""
    pieces: list[bytes] = []
    pos = 0
    while (start := _stream_keyword(data, pos)) >= 0:
        pieces.append(data[pos:start])
        end = data.find(b"endstream", start + len(b"stream"))
        if end < 0:
            pos = start
            break
        pos = end + len(b"endstream")
    pieces.append(data[pos:])
    return b"\n".join(pieces)


def _stream_keyword(data: bytes, pos: int) -> int:
    """Offset of the next `stream` keyword (a token followed by a line end), or -1."""
    at = data.find(b"stream", pos)
    while at >= 0:
        token_start = at == 0 or not data[at - 1 : at].isalpha()  # not `endstream`, `mainstream`
        if token_start and data[at + 6 : at + 7] in (b"\r", b"\n"):
            return at
        at = data.find(b"stream", at + 6)
    return -1


def _has_zip_directory(mm: mmap.mmap) -> bool:
    """Whether a ZIP reader would open this file: its central directory sits at the end."""
    tail = mm[-(65536 + 22) :]
    if b"PK\x05\x06" not in tail:
        return False  # cheap test first: is_zipfile on every upload would be wasted work
    return zipfile.is_zipfile(io.BytesIO(mm[:]))


def png_end(mm: mmap.mmap) -> int | None:
    """Offset just after the IEND chunk, or None when the chunk chain is broken."""
    pos = 8
    while pos + 12 <= len(mm):
        length = int.from_bytes(mm[pos : pos + 4], "big")
        ctype = mm[pos + 4 : pos + 8]
        pos += 12 + length
        if ctype == b"IEND":
            return pos if pos <= len(mm) else None
    return None


def jpeg_end(mm: mmap.mmap) -> int | None:
    """Offset just after the EOI marker, walking segments and entropy-coded data."""
    size, pos = len(mm), 2
    while pos < size:
        if mm[pos] != 0xFF:
            return None
        while pos < size and mm[pos] == 0xFF:  # fill bytes before a marker are allowed
            pos += 1
        if pos >= size:
            return None
        marker = mm[pos]
        pos += 1
        if marker == 0xD9:
            return pos
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            continue
        if pos + 2 > size:
            return None
        pos += int.from_bytes(mm[pos : pos + 2], "big")
        if marker == 0xDA:
            pos = _skip_entropy_data(mm, pos)
    return None


def _skip_entropy_data(mm: mmap.mmap, pos: int) -> int:
    """From the start of scan data to the next real marker (0xFF not stuffed, not RSTn)."""
    while True:
        pos = mm.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(mm):
            return len(mm)
        follower = mm[pos + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:
            pos += 1
            continue
        return pos


def pdf_end(mm: mmap.mmap) -> int | None:
    """Offset after the last %%EOF and its line end: what any PDF reader reads up to."""
    at = mm.rfind(b"%%EOF")
    if at < 0:
        return None
    end = at + 5
    while end < len(mm) and mm[end] in b"\r\n \t\x00":
        end += 1
    return end
