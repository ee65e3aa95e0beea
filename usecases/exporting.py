"""Everything held about a family, as one zip (the notice's 查詢、閱覽、複製本): `data.json` and
the family's own files as the sanitized copies the checks made.

What staff keep for themselves (notes, who reviewed, the audit log) is not the family's data
about itself and stays out; the decisions' outcomes, reasons and advice, which the family was
told, are in. Files the checks refused have no sanitized copy: they are listed, not included.
"""

import json
import zipfile
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from moderation.inmates import mask_name
from moderation.kinds import SubmissionKind
from storage.audit import record
from storage.models import (
    Account,
    Application,
    Attempt,
    Decision,
    Inmate,
    Institution,
    InstitutionPost,
    InstitutionPostFile,
    Notice,
    Post,
    PrefillField,
    StoredFile,
    Strike,
    Submission,
    Suspension,
)
from storage.queries import attempts_of
from usecases.transaction import UnitOfWork

#: Bumped when data.json changes shape.
FORMAT = 1
#: A sanitized copy's extension by its type (the checks make only these).
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Zip:
    """The archive being written, and the files it has taken in."""

    def __init__(self, work: UnitOfWork, out: IO[bytes]) -> None:
        self.store = work.rt.files
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, folder: str, name: str, key: str | None, mime: str | None) -> str | None:
        """Put a stored copy in the zip; its path there, or None if there is none."""
        if key is None or not self.store.exists(key):
            return None
        path = f"files/{folder}/{name}.{EXTENSIONS.get(mime or '', 'bin')}"
        with self.zip.open(path, "w") as member:  # the plaintext: stored files are encrypted
            for block in self.store.chunks(key):
                member.write(block)
        return path


def _account(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "national_id": account.national_id,
        "email": account.email,
        "birth_date": _iso(account.birth_date),
        "mobile": account.mobile,
        "phone": account.phone,
        "created_at": _iso(account.created_at),
        "verified_at": _iso(account.verified_at),
        "suspended_until": _iso(account.suspended_until),
    }


def _consents(session: Session, account: Account) -> list[dict[str, Any]]:
    notice = session.get(Notice, ("personal-data", account.consent_version))
    return [
        {
            "notice": "personal-data",
            "version": account.consent_version,
            "consented_at": _iso(account.consented_at),
            "text": notice.text if notice else None,
            "text_en": notice.text_en if notice else None,
        }
    ]


def _files(session: Session, attempt: Attempt, folder: str, out: _Zip) -> list[dict[str, Any]]:
    rows = session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt.id))
    return [
        {
            "id": f.id,
            "category": f.category,
            "original_name": f.original_name,
            "detected_type": f.detected_type,
            "size": f.size,
            "in_zip": out.add(folder, f.id, f.sanitized_key, f.sanitized_type),
        }
        for f in rows
    ]


def _attempt(session: Session, attempt: Attempt, folder: str, out: _Zip) -> dict[str, Any]:
    decision = session.scalar(select(Decision).where(Decision.attempt_id == attempt.id))
    prefill = session.scalars(select(PrefillField).where(PrefillField.attempt_id == attempt.id))
    return {
        "number": attempt.number,
        "status": attempt.status,
        "title": attempt.title,
        "body": attempt.body,
        "submitted_at": _iso(attempt.submitted_at),
        "decided_at": _iso(attempt.decided_at),
        "reasons": attempt.reasons or [],
        "decision": None
        if decision is None
        else {
            "decision": decision.decision,
            "reason_code": decision.reason_code,
            "advice": decision.advice,
            "decided_at": _iso(decision.decided_at),
        },
        "read_from_documents": [
            {"file_id": p.file_id, "field": p.field, "value": p.value, "status": p.status}
            for p in prefill
        ],
        "files": _files(session, attempt, f"{folder}/attempt-{attempt.number}", out),
    }


def _submission(session: Session, sub: Submission, out: _Zip) -> dict[str, Any]:
    institution = session.get(Institution, sub.institution_id)
    assert institution is not None
    folder = f"{sub.kind}s/{sub.id}"
    view: dict[str, Any] = {
        "id": sub.id,
        "institution": {"code": institution.code, "name": institution.name},
        "status": sub.status,
        "submitted_at": _iso(sub.submitted_at),
        "decided_at": _iso(sub.decided_at),
        "attempts": [_attempt(session, a, folder, out) for a in attempts_of(session, sub.id)],
    }
    if sub.kind == SubmissionKind.APPLICATION:
        application = session.get(Application, sub.id)
        assert application is not None
        inmate = session.get(Inmate, application.inmate_id)
        assert inmate is not None
        view["inmate"] = {"callsign": inmate.callsign, "masked_name": mask_name(inmate.name)}
        view["relationship"] = application.relationship
    else:
        post = session.get(Post, sub.id)
        assert post is not None
        view["application_id"] = post.application_id
        view["delivered_at"] = _iso(post.delivered_at)
    return view


def _strikes(session: Session, account_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Strike).where(Strike.account_id == account_id).order_by(Strike.created_at)
    )
    return [
        {
            "id": s.id,
            "post_id": s.submission_id,
            "reason_code": s.reason_code,
            "created_at": _iso(s.created_at),
            "appeal": None
            if s.appealed_at is None
            else {
                "text": s.appeal_text,
                "appealed_at": _iso(s.appealed_at),
                "outcome": s.appeal_outcome,
                "decided_at": _iso(s.appeal_decided_at),
            },
        }
        for s in rows
    ]


def _suspensions(session: Session, account_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(Suspension).where(Suspension.account_id == account_id))
    return [
        {"starts_at": _iso(s.starts_at), "until": _iso(s.until), "lifted_at": _iso(s.lifted_at)}
        for s in rows
    ]


def _institution_posts(session: Session, account_id: str, out: _Zip) -> list[dict[str, Any]]:
    posts = session.scalars(
        select(InstitutionPost)
        .where(InstitutionPost.account_id == account_id)
        .order_by(InstitutionPost.created_at)
    )
    entries = []
    for p in posts:
        institution = session.get(Institution, p.institution_id)
        assert institution is not None
        files = session.scalars(
            select(InstitutionPostFile).where(InstitutionPostFile.institution_post_id == p.id)
        )
        entries.append(
            {
                "id": p.id,
                "institution": {"code": institution.code, "name": institution.name},
                "application_id": p.application_id,
                "title": p.title,
                "body": p.body,
                "created_at": _iso(p.created_at),
                "files": [
                    {
                        "id": f.id,
                        "original_name": f.original_name,
                        "in_zip": out.add(
                            f"institution-posts/{p.id}", f.id, f.sanitized_key, f.sanitized_type
                        ),
                    }
                    for f in files
                ],
            }
        )
    return entries


def write_export(work: UnitOfWork, account: Account, out: IO[bytes]) -> None:
    """Write the family's zip to `out`; the export itself is audited."""
    session = work.session
    archive = _Zip(work, out)
    submissions = list(
        session.scalars(
            select(Submission)
            .where(Submission.account_id == account.id)
            .order_by(Submission.submitted_at)
        )
    )
    data = {
        "format": FORMAT,
        "account": _account(account),
        "consents": _consents(session, account),
        "applications": [
            _submission(session, s, archive)
            for s in submissions
            if s.kind == SubmissionKind.APPLICATION
        ],
        "posts": [
            _submission(session, s, archive) for s in submissions if s.kind == SubmissionKind.POST
        ],
        "strikes": _strikes(session, account.id),
        "suspensions": _suspensions(session, account.id),
        "institution_posts": _institution_posts(session, account.id, archive),
    }
    archive.zip.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
    archive.zip.close()
    record(session, f"family:{account.id}", AuditAction.ACCOUNT_EXPORT, account_id=account.id)
    work.commit()
