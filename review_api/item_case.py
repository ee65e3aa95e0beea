"""The rest of the case in the item detail (API.md 1.1): earlier attempts in full, with who
decided them; files' download paths."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Decision, Staff, StoredFile, Submission
from storage.queries import attempts_of
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
