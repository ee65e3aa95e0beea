"""The audit log is append-only (issue 12, finding 9): no code path updates or deletes it, and
on PostgreSQL the database itself refuses (a trigger from migration 0010_security)."""

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from moderation.audit import AuditAction
from storage.audit import record
from storage.models import AuditEntry
from tests.conftest import BACKEND
from tests.support.db import writing

ROOT = Path(__file__).resolve().parent.parent
CODE = ("core", "moderation", "storage", "usecases", "web", "ingest", "review_api", "workers")


def _one_entry(rt) -> None:
    with writing(rt) as session:
        record(session, "staff:1", next(iter(AuditAction)), submission_id="s1")


@pytest.mark.skipif(BACKEND != "production", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "change",
    [update(AuditEntry).values(actor="someone else"), delete(AuditEntry)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_audit_entries(rt, change):
    _one_entry(rt)
    with pytest.raises(DBAPIError, match="append-only"), writing(rt) as session:
        session.execute(change)
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1
        assert session.scalar(select(AuditEntry.actor)) == "staff:1"


def test_no_code_updates_or_deletes_audit_entries():
    offenders = []
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for verb in ("update(AuditEntry", "delete(AuditEntry", "session.delete(entry"):
                if verb in text:
                    offenders.append(f"{path.relative_to(ROOT)}: {verb}")
    assert offenders == []
