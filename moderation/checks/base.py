"""The contract of the automated check stage, written once.

The workers hand the checks a list of `FileUnderCheck` (originals on local disk) and a
`CheckContext`; the checks return a `CheckReport`: one `CheckOutcome` per check and file, and
the `FileFacts` each file revealed (real type, size in pixels, pages, a sanitized copy…).

A *file stage* is a function `(file, facts, context) -> list[CheckOutcome]`. Stages for one file
run in the order of `pipeline.FILE_STAGES`; after a failed outcome the file's later stages are
skipped (there is no point measuring the resolution of an executable). A *submission stage*
`(files, context) -> list[CheckOutcome]` looks at all files together (counts, total size).
Stages never raise for a bad file: a hostile or broken file is a verdict, not a crash.
Adding a stage touches `pipeline.py` and the stage's own module, nothing else.

Outcomes: `fail()` refuses (stable snake_case code, Traditional Chinese with advice, English);
`ok()` passes; `note()` passes but tells the reviewer something (e.g. `trailing_data_stripped`).
There is at most one outcome per (file, code): results are stored under that key.
Files the checks write (sanitized copy, preview, OCR renders) go under `work_dir`, named by
`work_path()` from the file's id, never from the family's file name (`display_name()` is the
only form of that name that appears anywhere, in messages).
Workers run the file stages through `isolation.run_checks_isolated` (a child process under
time and memory limits); `pipeline.run_checks` is the same without the child.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from moderation.file_rules import FileCategory, FileRules
from moderation.policy import Policy


class CheckCode(StrEnum):
    """Every outcome's code: stored with the result, shown to reviewers, used by tests."""

    #: The real type (from the bytes) is not one the policy accepts.
    FILE_TYPE = "file_type"
    #: Zero bytes.
    FILE_EMPTY = "file_empty"
    #: Another file (archive, PDF, web page, program) hidden in the file.
    FILE_POLYGLOT = "file_polyglot"
    #: Passed: nothing hidden in or after the file.
    FILE_SINGLE_FORMAT = "file_single_format"
    #: Note: bytes after the format's end, left out of the sanitized copy.
    TRAILING_DATA_STRIPPED = "trailing_data_stripped"
    #: Passed: decoded in full.
    IMAGE_DECODES = "image_decodes"
    #: Passed: large enough for its category.
    IMAGE_RESOLUTION = "image_resolution"
    #: Truncated or damaged: the full decode failed.
    IMAGE_UNREADABLE = "image_unreadable"
    #: The header declares more pixels than the policy allows (pixel bomb).
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    #: Shorter side under the category's minimum.
    IMAGE_RESOLUTION_TOO_LOW = "image_resolution_too_low"
    #: Note: animation or multi-picture file; only the first frame is kept.
    IMAGE_FIRST_FRAME_ONLY = "image_first_frame_only"
    #: Passed: structure read.
    PDF_READABLE = "pdf_readable"
    #: Passed: no JavaScript, launch action, attachment or pixel bomb.
    PDF_NO_ACTIVE_CONTENT = "pdf_no_active_content"
    #: Passed: pages rendered (sanitized copy, preview, OCR images).
    PDF_RENDERED = "pdf_rendered"
    #: Damaged or not really a PDF.
    PDF_UNREADABLE = "pdf_unreadable"
    #: Needs a password to open.
    PDF_ENCRYPTED = "pdf_encrypted"
    #: More pages than the policy allows.
    PDF_TOO_MANY_PAGES = "pdf_too_many_pages"
    #: JavaScript (document, open action, annotation…).
    PDF_JAVASCRIPT = "pdf_javascript"
    #: An action that starts a program.
    PDF_LAUNCH_ACTION = "pdf_launch_action"
    #: Attached (embedded) files.
    PDF_EMBEDDED_FILE = "pdf_embedded_file"
    #: Flash or other rich media.
    PDF_RICH_MEDIA = "pdf_rich_media"
    #: An image declaring more pixels than the policy allows.
    PDF_IMAGE_TOO_MANY_PIXELS = "pdf_image_too_many_pixels"
    #: The checks of this file took longer than their time limit.
    CHECK_TIMED_OUT = "check_timed_out"
    #: The decoder crashed (the child process died).
    CHECK_CRASHED = "check_crashed"
    #: The checks of this file needed more memory than their ceiling.
    CHECK_OUT_OF_MEMORY = "check_out_of_memory"
    #: A stage raised: a bug of ours, logged; the family is asked to re-save.
    CHECK_ERROR = "check_error"
    #: Passed: sizes within limits.
    SIZES = "sizes"
    #: One file over the per-file limit.
    FILE_TOO_LARGE = "file_too_large"
    #: All files together over the submission limit.
    TOTAL_TOO_LARGE = "total_too_large"
    #: Passed: the right number of files per category.
    FILE_COUNTS = "file_counts"
    #: A required category has no file.
    FILES_MISSING = "files_missing"
    #: More files than allowed (in total or in a category).
    TOO_MANY_FILES = "too_many_files"


#: Categories whose images must be legible documents (higher minimum resolution).
DOCUMENT_CATEGORIES = frozenset({FileCategory.IDENTITY, FileCategory.RELATIONSHIP})


@dataclass(frozen=True)
class FileUnderCheck:
    file_id: str
    category: FileCategory
    path: Path
    size: int
    original_name: str


@dataclass
class FileFacts:
    detected_type: str | None = None
    width: int | None = None
    height: int | None = None
    pages: int | None = None
    #: A re-encoded copy without metadata, written under the context's work dir.
    sanitized_path: Path | None = None
    sanitized_type: str | None = None
    preview_path: Path | None = None
    #: Images ready for OCR (the sanitized image or rendered pages) with their DPI if known.
    ocr_images: list[tuple[Path, int | None]] = field(default_factory=list)
    #: Bytes of the original that the sanitized copy left out (data after the image's end).
    stripped_bytes: int = 0
    #: Perceptual hash of the picture (a PDF's first page), to find the same document sent
    #: by another family (`moderation.document_hash`).
    phash: str | None = None
    #: Seconds each stage took on this file, by stage name (the workers' metrics).
    stage_seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckOutcome:
    file_id: str | None
    code: str
    ok: bool
    message: str
    message_en: str


@dataclass(frozen=True)
class CheckContext:
    policy: Policy
    #: The counts and sizes this kind of upload may have (`moderation.file_rules`): the same
    #: rules the request path refuses by, so a family reads one wording per rule.
    rules: FileRules
    work_dir: Path
    #: Also render a PDF's first pages in grey at `pdf_ocr_dpi` (`FileFacts.ocr_images`). The
    #: worker turns it off: its OCR stage reads the stored PDF itself (embedded scans as they
    #: are), so these renders, a third of a PDF's check time, would be thrown away unread.
    ocr_renders: bool = True


@dataclass
class CheckReport:
    outcomes: list[CheckOutcome] = field(default_factory=list)
    facts: dict[str, FileFacts] = field(default_factory=dict)
    #: Peak resident memory of the process that decoded the files (set by `isolation`).
    peak_rss_bytes: int | None = None

    @property
    def failures(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def passed(self) -> bool:
        return not self.failures


def ok(file_id: str | None, code: str) -> CheckOutcome:
    return CheckOutcome(file_id, code, True, "通過", "passed")


def fail(file_id: str | None, code: str, message: str, message_en: str) -> CheckOutcome:
    return CheckOutcome(file_id, code, False, message, message_en)


def note(file_id: str | None, code: str, message: str, message_en: str) -> CheckOutcome:
    """A passed check that still tells the reviewer something (e.g. trailing data stripped)."""
    return CheckOutcome(file_id, code, True, message, message_en)


#: How much of a family's file name a message repeats (names are untrusted and can be long).
DISPLAY_NAME_CHARS = 60


def display_name(name: str) -> str:
    """The file's name as safe to show inside a message: last path part, no control or
    bidi characters, shortened. The name is never used in a path (files are keyed by id)."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(
        ch for ch in last if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    ).strip()
    if len(shown) > DISPLAY_NAME_CHARS:
        shown = shown[: DISPLAY_NAME_CHARS - 1] + "…"
    return shown or "未命名檔案"


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def work_path(ctx: "CheckContext", file: FileUnderCheck, suffix: str) -> Path:
    """Where a check writes something derived from `file`: named by the file's id (never by
    the family's file name), always inside the work dir."""
    if not _SAFE_ID.fullmatch(file.file_id):
        raise ValueError(f"unsafe file id {file.file_id!r}")
    return ctx.work_dir / f"{file.file_id}.{suffix}"
