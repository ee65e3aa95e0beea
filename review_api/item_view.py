"""Everything a reviewer needs to decide one item (GET /review/v1/items/{id}): read in one
statement (`storage.item_case`), plus the duplicate lookups per file and, for a resubmission,
its earlier attempts."""

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from moderation.relationships import LABELS, Relationship, degree_of
from moderation.statuses import NOT_CHECKED, Status
from moderation.triage import ocr_state
from review_api.item_case import file_url, history
from storage.duplicates import duplicates_of
from storage.item_case import CaseRow, read_case
from storage.models import Application, Inmate, Submission
from web.submission_views import iso


def item_view(
    session: Session, submission: Submission, *, stale_before: datetime
) -> dict[str, Any]:
    """`stale_before`: an OCR claim older than this is nobody's (the OCR is pending)."""
    case = read_case(session, submission.id)
    row = case.row
    # Only what passed the checks: a file that failed them stays with the family (issue 12 #14).
    files = [] if Status(row.attempt_status) in NOT_CHECKED else case.lists["files"]
    holder = submission.claimed_by
    view: dict[str, Any] = {
        "id": submission.id,
        "kind": submission.kind,
        "status": submission.status,
        "attempt": submission.attempt,
        "submitted_at": iso(row.submitted_at),
        "claimed_by": holder,
        "lease_expires_at": iso(submission.lease_expires_at),
        "family": _family(case),
        "title": row.title,
        "body": row.body,
        **_what_the_machines_found(submission.id, case, files),
        "flags": row.flags or [],
        "history": history(session, submission),
        "claimed_by_staff": {"id": holder, "name": row.holder_name or ""} if holder else None,
        "institution": {"code": row.institution_code, "name": row.institution_name},
        "ocr": _ocr(row, stale_before),
        "duplicates": _duplicates(session, files, row.attempt_id) if row.has_duplicates else [],
        "notes": [
            {
                "id": n["id"],
                "at": iso(n["created_at"]),
                "text": n["text"],
                "by": {"id": n["staff_id"], "name": n["staff_name"] or ""},
            }
            for n in case.lists["notes"]
        ],
    }
    if row.post_id is not None:
        view["application_id"] = row.application_id
        view["delivered_at"] = iso(row.delivered_at)
        view["earlier_posts"] = [
            {**p, "submitted_at": iso(p["submitted_at"]), "decided_at": iso(p["decided_at"])}
            for p in case.lists["earlier_posts"]
        ]
    if row.application_id_own is not None:
        view.update(_inmate_and_relationship(row))
    return view


def _ocr(row: Any, stale_before: datetime) -> dict[str, Any]:
    state = ocr_state(
        started_at=row.ocr_started_at,
        done_at=row.ocr_done_at,
        flags=row.flags,
        stale_before=stale_before,
    )
    return {"state": state, "done_at": iso(row.ocr_done_at)}


def _duplicates(session: Session, files: list[dict[str, Any]], attempt_id: str) -> list[Any]:
    """The shown files' links, in the files' order (what the checks found when they ran)."""
    order = {f["id"]: n for n, f in enumerate(files)}
    found = [d for d in duplicates_of(session, attempt_id) if d.file_id in order]
    found.sort(key=lambda d: order[d.file_id])  # stable: each file's nearest stay first
    return [
        {
            "file_id": d.file_id,
            "item_id": d.item_id,
            "account_id": d.account_id,
            "match": d.match,
            "other_file_id": d.other_file_id,
        }
        for d in found
    ]


def _inmate_and_relationship(row: Any) -> dict[str, Any]:
    assert row.callsign is not None
    relationship = Relationship(row.relationship)
    return {
        "inmate": {
            "callsign": row.callsign,
            "name": row.inmate_name,
            "youngest_child_birth_date": iso_date(row.youngest_child_birth_date),
            "restricted_until": iso_date(row.restricted_until),
        },
        "relationship": row.relationship,
        "relationship_label": LABELS[relationship][0],
        "relationship_degree": degree_of(relationship, row.relationship_degree),
    }


def _family(case: CaseRow) -> dict[str, Any]:
    row = case.row
    return {
        "account_id": row.account_id,
        "name": row.account_name,
        "national_id": row.national_id,
        "birth_date": row.birth_date.isoformat(),
        "rejection_count": row.rejection_count or 0,
        "strike_count": row.strike_count or 0,
        "suspended_until": iso(row.suspended_until),
        # The family's strikes (withdrawn ones are as if they never were), with their appeals.
        "strikes": [
            {
                "id": s["id"],
                "at": iso(s["created_at"]),
                "reason_code": s["reason_code"],
                "item_id": s["submission_id"],
                "appeal": (
                    {
                        "text": s["appeal_text"],
                        "at": iso(s["appealed_at"]),
                        "outcome": s["appeal_outcome"],
                        "decided_at": iso(s["appeal_decided_at"]),
                    }
                    if s["appealed_at"] is not None
                    else None
                ),
            }
            for s in case.lists["strikes"]
        ],
    }


def _what_the_machines_found(
    item_id: str, case: CaseRow, files: list[dict[str, Any]]
) -> dict[str, Any]:
    """The checks' outcomes, the files' facts and the OCR pre-fill of the current attempt."""
    return {
        "checks": [
            {
                "file_id": c["file_id"],
                "code": c["code"],
                "ok": bool(c["ok"]),  # SQLite's JSON says 1 or 0
                "message": c["message"],
                "message_en": c["message_en"],
            }
            for c in case.lists["checks"]
        ],
        "files": [
            {
                "id": f["id"],
                "category": f["category"],
                "original_name": f["original_name"],
                "declared_type": f["declared_type"],
                "detected_type": f["detected_type"],
                "size": f["size"],
                "width": f["width"],
                "height": f["height"],
                "pages": f["pages"],
                "sanitized": f["sanitized_key"] is not None,
                "preview": f["preview_key"] is not None,
                "url": file_url(item_id, f["id"]),
            }
            for f in files
        ],
        "prefill": [
            # JSON writes a float with no fraction as an integer (0.0 as 0): a float again
            {**{k: v for k, v in p.items() if k != "id"}, "confidence": float(p["confidence"])}
            for p in case.lists["prefill"]
        ],
    }


def application_inmate(session: Session, application_id: str) -> Inmate:
    application = session.get(Application, application_id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    assert inmate is not None
    return inmate


def iso_date(day: date | None) -> str | None:
    return day.isoformat() if day else None
