"""Size per file and per submission, and the number of files in each category."""

from collections import Counter

from moderation.checks.base import (
    CheckCode,
    CheckContext,
    CheckOutcome,
    FileCategory,
    FileUnderCheck,
    display_name,
    fail,
    ok,
)

MB = 1024 * 1024
#: How each category is named to a family.
CATEGORY_NAMES = {
    FileCategory.IDENTITY: ("身分證明文件", "identity document"),
    FileCategory.RELATIONSHIP: ("關係證明文件", "relationship proof"),
    FileCategory.APPLICANT_PHOTO: ("申請人照片", "applicant photo"),
    FileCategory.ATTACHMENT: ("附件", "attachments"),
    FileCategory.INSTITUTION: ("機關檔案", "institution files"),
}
REQUIRED_FOR_APPLICATION = (FileCategory.IDENTITY, FileCategory.RELATIONSHIP)
#: Kinds held to the policy's post size limits.
POST_KINDS = frozenset({"post", "institution_post"})


def _limits(ctx: CheckContext) -> tuple[int, int]:
    """(total bytes, bytes per file) for this kind of submission."""
    p = ctx.policy
    if ctx.kind in POST_KINDS:
        return p.post_max_bytes, p.post_max_file_bytes
    return p.max_application_bytes, p.max_application_bytes


def check_sizes(files: list[FileUnderCheck], ctx: CheckContext) -> list[CheckOutcome]:
    total_limit, file_limit = _limits(ctx)
    out: list[CheckOutcome] = []
    for f in files:
        name = display_name(f.original_name)
        if f.size > file_limit:
            out.append(
                fail(
                    f.file_id,
                    CheckCode.FILE_TOO_LARGE,
                    f"「{name}」超過 {file_limit // MB} MB，請縮小後再上傳。",
                    f"'{name}' is over {file_limit // MB} MB; make it smaller.",
                )
            )
    total = sum(f.size for f in files)
    if total > total_limit:
        out.append(
            fail(
                None,
                CheckCode.TOTAL_TOO_LARGE,
                f"所有檔案合計超過 {total_limit // MB} MB，請縮小或減少檔案。",
                f"All files together are over {total_limit // MB} MB.",
            )
        )
    return out or [ok(None, CheckCode.SIZES)]


def check_counts(files: list[FileUnderCheck], ctx: CheckContext) -> list[CheckOutcome]:
    p = ctx.policy
    counts = Counter(f.category for f in files)
    out: list[CheckOutcome] = []
    if ctx.kind == "institution_post":
        return [ok(None, CheckCode.FILE_COUNTS)]  # counted where staff publish (MAX_FILES)
    if ctx.kind == "post":
        if len(files) > p.post_max_files:
            out.append(
                fail(
                    None,
                    CheckCode.TOO_MANY_FILES,
                    f"附件最多 {p.post_max_files} 個。",
                    f"At most {p.post_max_files} attachments.",
                )
            )
        return out or [ok(None, CheckCode.FILE_COUNTS)]
    required = list(REQUIRED_FOR_APPLICATION)
    if p.applicant_photo_required:
        required.append(FileCategory.APPLICANT_PHOTO)
    for category in required:
        if counts[category] == 0:
            out.append(
                fail(
                    None,
                    CheckCode.FILES_MISSING,
                    f"缺少必要文件：{CATEGORY_NAMES[category][0]}，請補上傳。",
                    f"A required document is missing: {CATEGORY_NAMES[category][1]}.",
                )
            )
    for category, n in counts.items():
        limit = 1 if category == FileCategory.APPLICANT_PHOTO else p.max_files_per_category
        if n > limit:
            out.append(
                fail(
                    None,
                    CheckCode.TOO_MANY_FILES,
                    f"{CATEGORY_NAMES[category][0]}最多 {limit} 個檔案，請刪掉多的再送出。",
                    f"At most {limit} files for {CATEGORY_NAMES[category][1]}.",
                )
            )
    return out or [ok(None, CheckCode.FILE_COUNTS)]
