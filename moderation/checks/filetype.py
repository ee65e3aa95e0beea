"""The real type of a file, read from its bytes with libmagic, never from its name."""

import magic

from moderation.checks.base import CheckContext, CheckOutcome, FileFacts, FileUnderCheck, fail, ok

CODE = "file_type"
#: How each allowed type is named to a family.
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPG/JPEG"}


def detect_type(path: str) -> str:
    return magic.from_file(path, mime=True)


def check_file_type(
    file: FileUnderCheck, facts: FileFacts, ctx: CheckContext
) -> list[CheckOutcome]:
    if file.size == 0:
        return [
            fail(
                file.file_id,
                "file_empty",
                f"「{file.original_name}」是空的檔案，請重新選擇。",
                f"'{file.original_name}' is empty; please choose the file again.",
            )
        ]
    facts.detected_type = detect_type(str(file.path))
    if facts.detected_type not in ctx.policy.allowed_types:
        allowed = "、".join(TYPE_NAMES.get(t, t) for t in ctx.policy.allowed_types)
        return [
            fail(
                file.file_id,
                CODE,
                f"「{file.original_name}」不是可接受的檔案格式，請上傳 {allowed} 檔。",
                f"'{file.original_name}' is not an accepted file type; upload {allowed}.",
            )
        ]
    return [ok(file.file_id, CODE)]
