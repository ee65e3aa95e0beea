"""The stage runner: one verdict per file, stages stop at the first failure, never a crash."""

from collections import Counter

import pytest

from moderation.checks import pipeline
from moderation.checks.base import CheckCode
from moderation.checks.pipeline import run_checks
from moderation.file_rules import FileCategory, rules_for
from moderation.kinds import SubmissionKind
from tests.checks import samples
from tests.checks.samples import failed


def test_each_file_and_code_appears_once(make_file, ctx):
    # Given an application missing both required categories (two "files_missing" findings)
    photo = make_file(samples.jpeg(), "me.jpg", category=FileCategory.APPLICANT_PHOTO)
    report = run_checks([photo], ctx)
    # Then they are merged: results are stored under (file, code)
    keys = Counter((o.file_id, o.code) for o in report.outcomes)
    assert max(keys.values()) == 1
    assert "身分證明文件" in next(o.message for o in report.outcomes if o.code == "files_missing")


def test_stages_after_a_failure_do_not_run(check):
    outcomes, facts = check(samples.HTML, "photo.jpg")
    assert [o.code for o in outcomes] == ["file_type"]
    assert facts.sanitized_path is None


def test_unexpected_exception_in_a_stage_becomes_check_error(check, monkeypatch):
    def broken(file, facts, ctx):
        raise IndexError("a bug of ours")

    monkeypatch.setattr(pipeline, "FILE_STAGES", (pipeline.check_file_type, broken))
    outcomes, _ = check(samples.jpeg(), "photo.jpg")
    assert failed(outcomes) == ["check_error"]


def test_memory_error_in_a_stage_becomes_check_out_of_memory(check, monkeypatch):
    def greedy(file, facts, ctx):
        raise MemoryError

    monkeypatch.setattr(pipeline, "FILE_STAGES", (greedy,))
    outcomes, _ = check(samples.jpeg(), "photo.jpg")
    assert failed(outcomes) == ["check_out_of_memory"]


@pytest.mark.parametrize("kind", list(SubmissionKind))
def test_every_file_gets_facts(make_file, ctx, kind):
    files = [make_file(samples.jpeg(), "a.jpg"), make_file(samples.HTML, "b.jpg")]
    report = run_checks(files, type(ctx)(ctx.policy, rules_for(kind, ctx.policy), ctx.work_dir))
    assert set(report.facts) == {f.file_id for f in files}


def test_every_code_a_check_emits_is_a_declared_check_code(make_file, ctx):
    # Given files that reach most branches: good, hostile, locked, broken
    datas = [
        samples.jpeg(),
        samples.HTML,
        samples.jpeg() + samples.zip_bytes(),
        samples.png() + b"trailer" * 10,
        samples.png_declaring(100_000, 100_000),
        samples.pdf_bytes(samples.pdf()),
        samples.pdf_with_document_js(),
        samples.pdf_as_is(samples.pdf(), user="x"),
        b"",
    ]
    report = run_checks([make_file(d) for d in datas], ctx)
    # Then every code is one of CheckCode's (the API, emails and reviewers rely on the list)
    assert {o.code for o in report.outcomes} <= {c.value for c in CheckCode}
