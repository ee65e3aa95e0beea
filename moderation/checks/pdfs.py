"""PDFs, part 1: structure read with pypdf. Readable, not locked, within the page ceiling,
and without active content (JavaScript, launch actions, embedded files).

Active content is found by walking every object reachable from the trailer (what a viewer can
reach) and every object the xref lists (objects of an older revision, which a viewer that
rebuilds a damaged xref may use), so objects packed in compressed object streams and names
written with `#xx` escapes are seen too; a byte scan of the raw file adds the uncompressed
objects no xref lists, with `#xx` escapes in names decoded as a reader decodes them.
Reviewers only ever see the pages rendered to pixels (`pdfrender`), so nothing in a PDF can run
on their machines; the refusal is for the record and for the family's fix ("print to PDF").
"""

import logging
import re

from pypdf import PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from moderation.checks.base import (
    CheckCode,
    CheckContext,
    CheckOutcome,
    FileFacts,
    FileUnderCheck,
    display_name,
    fail,
    ok,
)

log = logging.getLogger(__name__)

#: Objects visited at most when looking for active content; real 10-page files use < 10,000.
MAX_PDF_OBJECTS = 200_000
#: Active content written in plain bytes (uncompressed objects, even unreachable ones).
RAW_ACTIVE = re.compile(rb"/(JS|JavaScript|Launch|EmbeddedFiles?)(?=[\s/<>\[\]()%])")
#: A name with at least one `#xx` escape (/L#61unch is /Launch to every PDF reader).
RAW_ESCAPED_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})*#[0-9A-Fa-f]{2}[A-Za-z0-9#]*)")
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
RAW_CODES = {
    b"JS": CheckCode.PDF_JAVASCRIPT,
    b"JavaScript": CheckCode.PDF_JAVASCRIPT,
    b"Launch": CheckCode.PDF_LAUNCH_ACTION,
    b"EmbeddedFile": CheckCode.PDF_EMBEDDED_FILE,
    b"EmbeddedFiles": CheckCode.PDF_EMBEDDED_FILE,
}
#: What each kind of active content is called in a message.
ACTIVE_NAMES = {
    CheckCode.PDF_JAVASCRIPT: ("JavaScript 程式碼", "JavaScript"),
    CheckCode.PDF_LAUNCH_ACTION: ("會開啟其他程式的動作", "an action that starts a program"),
    CheckCode.PDF_EMBEDDED_FILE: ("夾帶的附加檔案", "attached files"),
    CheckCode.PDF_RICH_MEDIA: ("多媒體內容", "rich media (Flash/video)"),
    CheckCode.PDF_IMAGE_TOO_MANY_PIXELS: ("像素過多的圖片", "an image with too many pixels"),
}
ADVICE = (
    "請在電腦上用「列印 > 另存為 PDF」重新產生一份，或改傳照片。",
    "Use Print > Save as PDF to make a plain copy, or send a photo instead.",
)


class TooComplex(Exception):
    """More objects than any document a family sends; treated as unreadable."""


def check_pdf(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> list[CheckOutcome]:
    if facts.detected_type != "application/pdf":
        return []
    name = display_name(file.original_name)
    try:
        reader = PdfReader(file.path, strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            return [encrypted(file)]
        facts.pages = len(reader.pages)
        if facts.pages > ctx.policy.max_pdf_pages:
            return [too_many_pages(file, ctx.policy.max_pdf_pages)]
        active = find_active_content(reader, ctx.policy.max_image_pixels)
        active = active or raw_active_content(file.path.read_bytes())
    except DependencyError:  # AES encryption and no `cryptography` package to even test ""
        return [encrypted(file)]
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input; all mean "unreadable"
        log.info("pdf %s unreadable: %r", file.file_id, exc)
        return [unreadable(file)]
    if active:
        what_zh, what_en = ACTIVE_NAMES[active]
        return [
            fail(
                file.file_id,
                active,
                f"「{name}」含有{what_zh}，為了安全無法接受。{ADVICE[0]}",
                f"'{name}' contains {what_en}, which we cannot accept for safety. {ADVICE[1]}",
            )
        ]
    return [
        ok(file.file_id, CheckCode.PDF_READABLE),
        ok(file.file_id, CheckCode.PDF_NO_ACTIVE_CONTENT),
    ]


def _opens_without_password(reader: PdfReader) -> bool:
    """Owner-password-only files (printing restrictions) open in every viewer: accept them."""
    try:
        return bool(reader.decrypt(""))
    except DependencyError:  # AES without the `cryptography` package: cannot tell, refuse
        return False


def find_active_content(reader: PdfReader, max_image_pixels: int) -> str | None:
    """The code of the first refused content reachable from the trailer or listed in the
    xref, or None.

    Besides active content, an image declaring more than `max_image_pixels` is refused: it
    is a decompression bomb (a 1 MB stream of zeros inflates to a 1.2 GB bitmap when the
    page is rendered)."""
    walk = _Walk(max_image_pixels)
    # What the trailer reaches must parse (a broken object there is an unreadable file); an
    # object only the xref lists may be damaged: nothing a viewer shows depends on it.
    return walk.run([reader.trailer], tolerant=False) or walk.run(
        _listed_objects(reader), tolerant=True
    )


class _Walk:
    """Depth-first over objects, each indirect object once, within MAX_PDF_OBJECTS."""

    def __init__(self, max_image_pixels: int) -> None:
        self.max_image_pixels = max_image_pixels
        self.seen: set[tuple[int, int]] = set()
        self.visited = 0

    def run(self, start: list[object], *, tolerant: bool) -> str | None:
        stack = list(start)
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref not in self.seen:
                    self.seen.add(ref)
                    stack.append(_resolve(obj, tolerant))
                continue
            self.visited += 1
            if self.visited > MAX_PDF_OBJECTS:
                raise TooComplex
            if isinstance(obj, DictionaryObject):
                found = _active_in_dict(obj) or _image_bomb(obj, self.max_image_pixels)
                if found:
                    return found
                stack.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
        return None


def _resolve(ref: IndirectObject, tolerant: bool) -> object:
    if not tolerant:
        return ref.get_object()
    try:
        return ref.get_object()
    except Exception:  # pypdf raises many types on a damaged object
        return None


def _listed_objects(reader: PdfReader) -> list[object]:
    """Every object the xref sections list, reachable or not (pypdf merges the sections of
    all revisions: an older revision's objects that the newest did not replace are there)."""
    listed = {(idnum, gen) for gen, table in reader.xref.items() for idnum in table}
    listed.update((idnum, 0) for idnum in reader.xref_objStm)
    return [IndirectObject(idnum, gen, reader) for idnum, gen in sorted(listed) if idnum > 0]


def _active_in_dict(obj: DictionaryObject) -> str | None:
    action = obj.get("/S")
    if "/JS" in obj or action == "/JavaScript":
        return CheckCode.PDF_JAVASCRIPT
    if action == "/Launch":
        return CheckCode.PDF_LAUNCH_ACTION
    if (
        "/EmbeddedFiles" in obj
        or "/EF" in obj
        or obj.get("/Type") == "/EmbeddedFile"
        or obj.get("/Subtype") == "/FileAttachment"
    ):
        return CheckCode.PDF_EMBEDDED_FILE
    if obj.get("/Subtype") == "/RichMedia" or action == "/RichMediaExecute":
        return CheckCode.PDF_RICH_MEDIA
    return None


def _image_bomb(obj: DictionaryObject, max_pixels: int) -> str | None:
    if obj.get("/Subtype") != "/Image":
        return None
    try:
        pixels = int(obj["/Width"]) * int(obj["/Height"])
    except (KeyError, TypeError, ValueError):
        return None  # no usable size: pdfium will refuse to draw it
    return CheckCode.PDF_IMAGE_TOO_MANY_PIXELS if pixels > max_pixels else None


def raw_active_content(data: bytes) -> str | None:
    """Active content written in the file's bytes, whether or not any xref leads to it."""
    match = RAW_ACTIVE.search(data)
    if match:
        return RAW_CODES[match.group(1)]
    for escaped in RAW_ESCAPED_NAME.finditer(data):  # rare in real files: cheap to decode
        name = NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), escaped.group(1))
        if name in RAW_CODES:
            return RAW_CODES[name]
    return None


def unreadable(file: FileUnderCheck) -> CheckOutcome:
    name = display_name(file.original_name)
    return fail(
        file.file_id,
        CheckCode.PDF_UNREADABLE,
        f"「{name}」無法開啟（檔案可能已損壞），請重新匯出 PDF 或改傳照片。",
        f"'{name}' cannot be opened (it may be damaged); export it again or send a photo.",
    )


def encrypted(file: FileUnderCheck) -> CheckOutcome:
    name = display_name(file.original_name)
    return fail(
        file.file_id,
        CheckCode.PDF_ENCRYPTED,
        f"「{name}」有密碼保護，審核人員無法開啟。請移除密碼後再上傳"
        "（開啟檔案後用「列印 > 另存為 PDF」即可），或改傳照片。",
        f"'{name}' is password-protected, so reviewers cannot open it. Remove the password "
        "(open it and use Print > Save as PDF) or send a photo instead.",
    )


def too_many_pages(file: FileUnderCheck, limit: int) -> CheckOutcome:
    name = display_name(file.original_name)
    return fail(
        file.file_id,
        CheckCode.PDF_TOO_MANY_PAGES,
        f"「{name}」超過 {limit} 頁，請只上傳需要的頁面。",
        f"'{name}' has more than {limit} pages; upload only the pages needed.",
    )
