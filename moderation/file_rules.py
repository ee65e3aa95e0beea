"""How many files of which category, and how many bytes, one upload may carry.

One rule object per kind of upload, built from the institution's policy. The request path
(which refuses at once, while the family waits) and the check stage (which records a verdict)
both ask it, so each rule has one wording wherever it is enforced.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from moderation.errors import ErrorCode, TooLarge
from moderation.kinds import SubmissionKind
from moderation.policy import MB, Policy


class FileCategory(StrEnum):
    """The form field a file was sent in; it says what the file is meant to be."""

    IDENTITY = "identity_documents"
    RELATIONSHIP = "relationship_documents"
    APPLICANT_PHOTO = "applicant_photo"
    ATTACHMENT = "attachments"
    INSTITUTION = "institution_files"


#: How each category is named to a family.
CATEGORY_NAMES: dict[FileCategory, tuple[str, str]] = {
    FileCategory.IDENTITY: ("身分證明文件", "identity document"),
    FileCategory.RELATIONSHIP: ("關係證明文件", "relationship proof"),
    FileCategory.APPLICANT_PHOTO: ("申請人照片", "applicant photo"),
    FileCategory.ATTACHMENT: ("附件", "attachments"),
    FileCategory.INSTITUTION: ("機關檔案", "institution files"),
}
#: Files staff may attach to one entry of the institution's book.
INSTITUTION_POST_MAX_FILES = 5


@dataclass(frozen=True)
class CountRule:
    category: FileCategory
    min_files: int
    max_files: int


@dataclass(frozen=True)
class Problem:
    """One broken rule, in the words the family reads. `category` is the form field it concerns
    (None: the upload as a whole)."""

    code: str
    category: FileCategory | None
    message: str
    message_en: str
    limit_bytes: int | None = None
    #: The file it concerns, when one file breaks it (a size over the per-file limit).
    file_id: str | None = None


@dataclass(frozen=True)
class SizedFile:
    file_id: str | None
    #: The name as safe to show in a message (see `checks.base.display_name`).
    name: str
    size: int


@dataclass(frozen=True)
class FileRules:
    counts: tuple[CountRule, ...]
    total_bytes: int
    per_file_bytes: int

    @property
    def fields(self) -> frozenset[str]:
        """The form fields that may carry files."""
        return frozenset(rule.category.value for rule in self.counts)

    def count_problems(self, counts: Mapping[str, int]) -> list[Problem]:
        problems = [
            _missing(rule.category)
            for rule in self.counts
            if rule.min_files and counts.get(rule.category, 0) < rule.min_files
        ]
        problems += [
            _too_many(rule.category, rule.max_files)
            for rule in self.counts
            if counts.get(rule.category, 0) > rule.max_files
        ]
        return problems

    def size_problems(self, files: Iterable[SizedFile]) -> list[Problem]:
        files = list(files)
        problems = [
            file_too_large(self.per_file_bytes, f.name, file_id=f.file_id)
            for f in files
            if f.size > self.per_file_bytes
        ]
        if sum(f.size for f in files) > self.total_bytes:
            problems.append(total_too_large(self.total_bytes))
        return problems


def application_rules(policy: Policy) -> FileRules:
    per_category = policy.max_files_per_category
    return FileRules(
        counts=(
            CountRule(FileCategory.IDENTITY, 1, per_category),
            CountRule(FileCategory.RELATIONSHIP, 1, per_category),
            CountRule(FileCategory.APPLICANT_PHOTO, int(policy.applicant_photo_required), 1),
        ),
        total_bytes=policy.max_application_bytes,
        per_file_bytes=policy.max_application_bytes,
    )


def post_rules(policy: Policy) -> FileRules:
    return FileRules(
        counts=(CountRule(FileCategory.ATTACHMENT, 0, policy.post_max_files),),
        total_bytes=policy.post_max_bytes,
        per_file_bytes=policy.post_max_file_bytes,
    )


def institution_post_rules(policy: Policy) -> FileRules:
    """An entry staff publish to a family: a post's size limits, a few files."""
    return FileRules(
        counts=(CountRule(FileCategory.INSTITUTION, 0, INSTITUTION_POST_MAX_FILES),),
        total_bytes=policy.post_max_bytes,
        per_file_bytes=policy.post_max_file_bytes,
    )


def rules_for(kind: SubmissionKind, policy: Policy) -> FileRules:
    return {SubmissionKind.APPLICATION: application_rules, SubmissionKind.POST: post_rules}[kind](
        policy
    )


def _missing(category: FileCategory) -> Problem:
    zh, en = CATEGORY_NAMES[category]
    return Problem(
        "files_missing",
        category,
        f"缺少必要文件：{zh}，請補上傳。",
        f"A required document is missing: {en}.",
    )


def _too_many(category: FileCategory, limit: int) -> Problem:
    zh, en = CATEGORY_NAMES[category]
    return Problem(
        "too_many_files",
        category,
        f"{zh}最多 {limit} 個檔案，請刪掉多的再送出。",
        f"At most {limit} files for {en}.",
    )


def total_too_large(limit: int) -> Problem:
    return Problem(
        "total_too_large",
        None,
        f"上傳的檔案合計超過 {limit // MB} MB，請縮小照片或減少檔案後再送出。",
        f"The files are over {limit // MB} MB in total; use smaller or fewer files.",
        limit_bytes=limit,
    )


def file_too_large(limit: int, name: str, *, file_id: str | None = None) -> Problem:
    return Problem(
        "file_too_large",
        None,
        f"「{name}」超過 {limit // MB} MB，請縮小照片（例如用手機的「中」尺寸）後再送出。",
        f"'{name}' is over {limit // MB} MB; use a smaller photo or scan.",
        limit_bytes=limit,
        file_id=file_id,
    )


def refusal(problem: Problem) -> TooLarge:
    """A byte limit crossed, refused while the family waits (413): `file_too_large` for one
    file, `upload_too_large` for all of them, in the words of the rule."""
    one_file = problem.code == "file_too_large"
    code = ErrorCode.FILE_TOO_LARGE if one_file else ErrorCode.UPLOAD_TOO_LARGE
    return TooLarge(
        code=code,
        message=problem.message,
        message_en=problem.message_en,
        extra={"limit_bytes": problem.limit_bytes},
    )
