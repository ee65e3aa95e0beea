"""The rest of the case in the item detail (API.md 1.1): earlier attempts in full, the family's
strikes and their appeals, the same document in other families' submissions, staff notes."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.triage import ocr_state
from storage.duplicates import duplicates_of
from storage.models import Attempt, Decision, Staff, StoredFile, Strike, Submission
from storage.queries import attempts_of
from usecases.review.notes import notes_of
from web.submission_views import iso

#: Where the review API is served (API.md): files' download paths start with it.
PREFIX = "/review/v1"


def file_url(item_id: str, file_id: str) -> str:
    """The download path of a file (its sanitized copy; `?variant=original` for the bytes the
    family sent). Each download is audit-logged."""
    return f"{PREFIX}/items/{item_id}/files/{file_id}"


def file_view(item_id: str, f: StoredFile) -> dict[str, Any]:
    return {
        "id": f.id,
        "category": f.category,
        "original_name": f.original_name,
        "declared_type": f.declared_type,
        "detected_type": f.detected_type,
        "size": f.size,
        "width": f.width,
        "height": f.height,
        "pages": f.pages,
        "sanitized": f.sanitized_key is not None,
        "preview": f.preview_key is not None,
        "url": file_url(item_id, f.id),
    }


def staff_ref(session: Session, staff_id: str | None) -> dict[str, str] | None:
    if staff_id is None:
        return None
    staff = session.get(Staff, staff_id)
    return {"id": staff_id, "name": staff.name if staff else ""}


def ocr_view(attempt: Attempt, stale_before: datetime) -> dict[str, Any]:
    state = ocr_state(
        started_at=attempt.ocr_started_at,
        done_at=attempt.ocr_done_at,
        flags=attempt.flags,
        stale_before=stale_before,
    )
    return {"state": state, "done_at": iso(attempt.ocr_done_at)}


def _standing_decisions(session: Session, attempt_ids: list[str]) -> dict[str, Decision]:
    """Each attempt's standing decision, or the last one reversed if none stands."""
    rows = session.scalars(
        select(Decision)
        .where(Decision.attempt_id.in_(attempt_ids))
        .order_by(Decision.reversed_at.is_not(None), Decision.decided_at.desc())
    )
    found: dict[str, Decision] = {}
    for d in rows:
        found.setdefault(d.attempt_id, d)
    return found


def _staff_names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(sorted(ids))))
    return {staff_id: name for staff_id, name in rows}


def history(session: Session, submission: Submission) -> list[dict[str, Any]]:
    """Earlier attempts, each with what the family sent and who decided it. A first attempt
    has none (attempts are numbered from 1): nothing to read. Earlier attempts' decisions,
    files and deciders are each read once for all of them."""
    if submission.attempt <= 1:
        return []
    earlier = [a for a in attempts_of(session, submission.id) if a.number != submission.attempt]
    if not earlier:
        return []
    ids = [a.id for a in earlier]
    decisions = _standing_decisions(session, ids)
    files: dict[str, list[StoredFile]] = {}
    for f in session.scalars(select(StoredFile).where(StoredFile.attempt_id.in_(ids))):
        files.setdefault(f.attempt_id, []).append(f)
    names = _staff_names(session, {d.staff_id for d in decisions.values()})
    out = []
    for a in earlier:
        d = decisions.get(a.id)
        out.append(
            {
                "attempt": a.number,
                "status": a.status,
                "submitted_at": iso(a.submitted_at),
                "decision": d.decision if d else None,
                "reason_code": d.reason_code if d else None,
                "advice": d.advice if d else None,
                "reasons": a.reasons or [],
                "decided_at": iso(a.decided_at),
                "title": a.title,
                "body": a.body,
                "files": [file_view(submission.id, f) for f in files.get(a.id, [])],
                "decided_by": {"id": d.staff_id, "name": names.get(d.staff_id, "")} if d else None,
            }
        )
    return out


def strikes_of(session: Session, account_id: str) -> list[dict[str, Any]]:
    """The family's strikes (withdrawn ones are as if they never were), with their appeals."""
    rows = session.scalars(
        select(Strike)
        .where(Strike.account_id == account_id, Strike.withdrawn_at.is_(None))
        .order_by(Strike.created_at, Strike.id)
    )
    return [
        {
            "id": s.id,
            "at": iso(s.created_at),
            "reason_code": s.reason_code,
            "item_id": s.submission_id,
            "appeal": (
                {
                    "text": s.appeal_text,
                    "at": iso(s.appealed_at),
                    "outcome": s.appeal_outcome,
                    "decided_at": iso(s.appeal_decided_at),
                }
                if s.appealed_at is not None
                else None
            ),
        }
        for s in rows
    ]


def notes_view(session: Session, submission_id: str) -> list[dict[str, Any]]:
    notes = notes_of(session, submission_id)
    names = _staff_names(session, {n.staff_id for n in notes})
    return [
        {
            "id": n.id,
            "at": iso(n.created_at),
            "text": n.text,
            "by": {"id": n.staff_id, "name": names.get(n.staff_id, "")},
        }
        for n in notes
    ]


def duplicates_view(
    session: Session, files: list[StoredFile], account_id: str
) -> list[dict[str, Any]]:
    return [
        {
            "file_id": d.file_id,
            "item_id": d.item_id,
            "account_id": d.account_id,
            "match": d.match,
            "other_file_id": d.other_file_id,
        }
        for d in duplicates_of(session, files, account_id)
    ]
