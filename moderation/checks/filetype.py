"""The real type of a file, read from its bytes with libmagic, never from its name.

The name and the declared content type are ignored on purpose: a web page named `photo.jpg`
is a web page. Refusals say what the file really is, because "wrong type" alone leaves a
family stuck (an iPhone's HEIC photo looks like any other photo to them).
"""

import magic

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

CODE = CheckCode.FILE_TYPE
#: How each allowed type is named to a family.
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPG/JPEG"}
#: How many leading bytes libmagic reads; enough for every type we name below.
MAGIC_BYTES = 64 * 1024

#: Refused types a family is likely to send, with what the file is and how to fix it.
KNOWN_REFUSED: dict[str, tuple[str, str]] = {
    "text/html": ("網頁檔（HTML）", "a web page (HTML)"),
    "image/svg+xml": ("向量圖檔（SVG）", "a vector drawing (SVG)"),
    "application/zip": ("壓縮檔（ZIP）", "a ZIP archive"),
    "application/x-rar": ("壓縮檔（RAR）", "a RAR archive"),
    "application/x-7z-compressed": ("壓縮檔（7z）", "a 7z archive"),
    "application/x-executable": ("程式檔", "a program"),
    "application/x-sharedlib": ("程式檔", "a program"),
    "application/x-pie-executable": ("程式檔", "a program"),
    "application/x-dosexec": ("Windows 程式檔", "a Windows program"),
    "image/heic": ("iPhone 的 HEIC 照片", "an iPhone HEIC photo"),
    "image/heif": ("HEIF 照片", "a HEIF photo"),
    "image/webp": ("WebP 圖片", "a WebP image"),
    "image/gif": ("GIF 動畫或圖片", "a GIF image"),
    "image/tiff": ("TIFF 圖片", "a TIFF image"),
    "image/bmp": ("BMP 圖片", "a BMP image"),
    "application/msword": ("Word 文件", "a Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word 文件",
        "a Word document",
    ),
    "text/plain": ("純文字檔", "a text file"),
}

#: What to do about it, by the kind of file.
ADVICE = {
    "image/heic": (
        "請在 iPhone「設定 > 相機 > 格式」選「最相容」後重拍，或分享時選 JPEG。",
        "On the iPhone choose Settings > Camera > Formats > Most Compatible, or share as JPEG.",
    ),
    "application/msword": ("請用「另存新檔」存成 PDF 再上傳。", "Save it as PDF and upload that."),
}
#: When the type is one the institution takes, but not for this kind of file (photo-only posts).
CATEGORY_ADVICE = (
    "請改傳符合格式的檔案，例如用手機把文件拍成照片。",
    "Send a file of an accepted type instead, e.g. a phone photo of the document.",
)
DEFAULT_ADVICE = (
    "請改用手機拍照（JPG）或將文件存成 PDF 後再上傳。",
    "Take a photo (JPG) or save the document as PDF, then upload it.",
)


def detect_type(path: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(MAGIC_BYTES)
    return magic.from_buffer(head, mime=True)


def check_file_type(
    file: FileUnderCheck, facts: FileFacts, ctx: CheckContext
) -> list[CheckOutcome]:
    name = display_name(file.original_name)
    if file.size == 0 or file.path.stat().st_size == 0:
        return [
            fail(
                file.file_id,
                CheckCode.FILE_EMPTY,
                f"「{name}」是空的檔案（0 位元組），請重新選擇檔案後上傳。",
                f"'{name}' is empty (0 bytes); please choose the file again.",
            )
        ]
    facts.detected_type = detect_type(str(file.path))
    accepted = ctx.policy.allowed_types_for(file.category)
    if facts.detected_type in accepted:
        return [ok(file.file_id, CODE)]
    return [_refuse(file, facts.detected_type, accepted)]


def _refuse(file: FileUnderCheck, detected: str, accepted: tuple[str, ...]) -> CheckOutcome:
    name = display_name(file.original_name)
    allowed = "、".join(TYPE_NAMES.get(t, t) for t in accepted)
    allowed_en = ", ".join(TYPE_NAMES.get(t, t) for t in accepted)
    if detected in TYPE_NAMES:  # a type we take elsewhere, not for this kind of file
        what = TYPE_NAMES[detected]
        return fail(
            file.file_id,
            CODE,
            f"「{name}」是 {what} 檔，這裡只接受 {allowed} 檔。{CATEGORY_ADVICE[0]}",
            f"'{name}' is a {what} file; only {allowed_en} is accepted here. {CATEGORY_ADVICE[1]}",
        )
    what_zh, what_en = KNOWN_REFUSED.get(_family(detected), ("不支援的格式", "an unsupported type"))
    advice_zh, advice_en = ADVICE.get(_family(detected), DEFAULT_ADVICE)
    return fail(
        file.file_id,
        CODE,
        f"「{name}」實際上是{what_zh}，只接受 {allowed} 檔。{advice_zh}",
        f"'{name}' is really {what_en}; only {allowed_en} is accepted. {advice_en}",
    )


def _family(mime: str) -> str:
    """Group close variants so that one entry of KNOWN_REFUSED covers them."""
    if mime.endswith("wordprocessingml.document"):
        return "application/msword"
    if mime in ("image/heif-sequence", "image/avif"):
        return "image/heif"
    return mime
