"""Fixtures for the check stage: a work dir, files written from bytes, one-call checking."""

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.checks.base import (
    CheckContext,
    CheckOutcome,
    FileFacts,
    FileUnderCheck,
)
from moderation.checks.pipeline import check_file
from moderation.file_rules import FileCategory, application_rules
from moderation.policy import Policy

MakeFile = Callable[..., FileUnderCheck]
Check = Callable[..., tuple[list[CheckOutcome], FileFacts]]


@pytest.fixture
def ctx(tmp_path: Path) -> CheckContext:
    work = tmp_path / "work"
    work.mkdir()
    return CheckContext(policy=Policy(), rules=application_rules(Policy()), work_dir=work)


@pytest.fixture
def make_file(tmp_path: Path) -> MakeFile:
    uploads = tmp_path / "uploads"
    uploads.mkdir()

    def make(
        data: bytes,
        name: str = "upload.jpg",
        category: FileCategory = FileCategory.IDENTITY,
    ) -> FileUnderCheck:
        file_id = str(uuid.uuid4())
        path = uploads / file_id  # stored by id, as the file store does
        path.write_bytes(data)
        return FileUnderCheck(file_id, category, path, len(data), name)

    return make


@pytest.fixture
def check(ctx: CheckContext, make_file: MakeFile) -> Check:
    """Check bytes as one uploaded file; returns (outcomes, facts)."""

    def run(data: bytes, name: str = "upload.jpg", **kw: object) -> tuple[list, FileFacts]:
        policy = kw.pop("policy", None)
        context = (
            ctx if policy is None else CheckContext(policy, application_rules(policy), ctx.work_dir)
        )
        return check_file(make_file(data, name, **kw), context)

    return run
