"""The reader locates before it reads: a register's remarks and stamps are not OCR'd."""

from __future__ import annotations

import time

import pytest

from moderation.ocr.reader import read_document


@pytest.mark.slow
def test_a_registers_remarks_are_not_read(register_cases) -> None:
    # Given a labelled-block register whose members carry remarks (記事)
    case = register_cases["step_parent"]
    members = case.truth.members
    assert sum(len(m.remarks) for m in members) >= len(members)
    # When it is read
    pages = list(read_document(case.sources, "register", time.monotonic() + 30))
    read = "".join(w.text for p in pages for ws in p.first.values() for w in ws)
    # Then the running text of the remarks was never OCR'd, and the fields were
    for remark in (r for m in members for r in m.remarks):
        assert remark[-8:] not in read
    assert sum(m.national_id in read for m in members) >= len(members) - 1
