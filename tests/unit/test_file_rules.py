"""Counts and sizes: one rule object per kind of upload, one wording per rule, whether the
request path refuses at once or the check stage records a verdict."""

from pathlib import Path

import pytest

from moderation.checks.base import CheckContext, FileUnderCheck
from moderation.checks.sizes import check_counts, check_sizes
from moderation.errors import InvalidInput, TooLarge
from moderation.file_rules import (
    FileCategory,
    SizedFile,
    application_rules,
    institution_post_rules,
    post_rules,
    rules_for,
)
from moderation.kinds import SubmissionKind
from moderation.policy import MB, Policy
from storage.files import StoredBlob
from storage.uploads import Upload, UploadedFile
from usecases.submissions.lifecycle import check_files


def _upload(*files: tuple[str, int]) -> Upload:
    return Upload(
        files=[
            UploadedFile(field, f"{i}.jpg", "image/jpeg", StoredBlob(f"{i:032x}", size, "0" * 64))
            for i, (field, size) in enumerate(files)
        ]
    )


def _under_check(*files: tuple[str, int]) -> list[FileUnderCheck]:
    return [
        FileUnderCheck(f"f{i}", FileCategory(field), Path("/nonexistent"), size, f"{i}.jpg")
        for i, (field, size) in enumerate(files)
    ]


def test_a_post_with_too_many_attachments_reads_the_same_refused_or_checked():
    policy = Policy(post_max_files=1)
    files = [("attachments", 100), ("attachments", 100)]
    with pytest.raises(InvalidInput) as refused:
        check_files(SubmissionKind.POST, _upload(*files), policy)
    ctx = CheckContext(policy, post_rules(policy), Path("/tmp"))
    [checked] = check_counts(_under_check(*files), ctx)
    assert checked.code == "too_many_files" and not checked.ok
    assert refused.value.fields["attachments"] == f"{checked.message} {checked.message_en}"


def test_an_application_without_its_register_is_missing_a_required_document():
    rules = application_rules(Policy())
    [problem] = rules.count_problems({FileCategory.IDENTITY: 1})
    assert (problem.code, problem.category) == ("files_missing", FileCategory.RELATIONSHIP)
    assert "關係證明文件" in problem.message


def test_the_applicant_photo_is_required_only_where_the_policy_says():
    counts = {FileCategory.IDENTITY: 1, FileCategory.RELATIONSHIP: 1}
    assert application_rules(Policy()).count_problems(counts) == []
    [missing] = application_rules(Policy(applicant_photo_required=True)).count_problems(counts)
    assert missing.category == FileCategory.APPLICANT_PHOTO
    too_many = {**counts, FileCategory.APPLICANT_PHOTO: 2}
    assert [p.code for p in application_rules(Policy()).count_problems(too_many)] == [
        "too_many_files"
    ]


def test_one_file_over_the_per_file_limit_names_the_file():
    rules = post_rules(Policy(post_max_bytes=20 * MB, post_max_file_bytes=10 * MB))
    problems = rules.size_problems(
        [SizedFile("a", "小明.jpg", 11 * MB), SizedFile("b", "b.jpg", MB)]
    )
    assert [(p.code, p.file_id) for p in problems] == [("file_too_large", "a")]
    assert "小明.jpg" in problems[0].message and "10 MB" in problems[0].message


def test_all_files_over_the_total_are_refused_as_413_with_the_checks_words():
    policy = Policy(max_application_bytes=2 * MB)
    files = [("identity_documents", MB), ("relationship_documents", MB + 1)]
    with pytest.raises(TooLarge) as refused:
        check_files(SubmissionKind.APPLICATION, _upload(*files), policy)
    ctx = CheckContext(policy, application_rules(policy), Path("/tmp"))
    checked = [o for o in check_sizes(_under_check(*files), ctx) if not o.ok]
    assert [o.code for o in checked] == ["total_too_large"]
    assert refused.value.code == "upload_too_large"
    assert refused.value.message == checked[0].message


def test_staff_entries_take_a_posts_sizes_and_at_most_five_files():
    rules = institution_post_rules(Policy(post_max_bytes=3 * MB))
    assert rules.total_bytes == 3 * MB
    assert rules.count_problems({FileCategory.INSTITUTION: 5}) == []
    assert [p.code for p in rules.count_problems({FileCategory.INSTITUTION: 6})] == [
        "too_many_files"
    ]


@pytest.mark.parametrize("kind", list(SubmissionKind))
def test_each_kind_has_its_form_fields(kind):
    fields = rules_for(kind, Policy()).fields
    expected = {
        SubmissionKind.APPLICATION: {
            "identity_documents",
            "relationship_documents",
            "applicant_photo",
        },
        SubmissionKind.POST: {"attachments"},
    }[kind]
    assert fields == expected
