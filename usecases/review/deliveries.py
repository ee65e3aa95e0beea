"""Approved posts handed to the inmate: marked delivered (idempotently, one or many at once) and
printed, one page each. Every mark and every print is audited: a print carries the family's
photos out of the system."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from moderation.deliveries import MAX_BATCH, PRINTABLE, DeliveryOutcome, outcome_for
from moderation.errors import Conflict, ErrorCode, FamilybookError, NotFound, invalid_fields
from moderation.relationships import LABELS, Relationship
from moderation.staff import StaffMember
from moderation.statuses import Status
from moderation.taiwan_time import taiwan_date
from storage import transitions
from storage.audit import record
from storage.models import (
    Account,
    Application,
    Inmate,
    Institution,
    Post,
    StoredFile,
    utcnow,
)
from storage.queries import current_attempt
from usecases.review.access import visible_item
from usecases.transaction import UnitOfWork


@dataclass(frozen=True)
class DeliverySheet:
    """One printed page: what the inmate is handed."""

    post_id: str
    institution: str
    callsign: str
    inmate_name: str
    family_name: str
    relationship: str
    title: str
    body: str
    submitted_on: date
    approved_on: date | None
    #: Storage keys of the sanitized images (or first-page previews), in upload order.
    photo_keys: tuple[str, ...]


def _not_a_post() -> NotFound:
    return NotFound(
        code=ErrorCode.NOT_A_POST,
        message="只有聯絡簿可以標記為已送達。",
        message_en="Only posts are delivered.",
    )


def _not_approved(item_id: str) -> Conflict:
    return Conflict(
        code=ErrorCode.NOT_APPROVED,
        message="這則聯絡簿尚未審核通過，不能交付收容人。",
        message_en=f"Post {item_id} is not approved; it cannot be handed to the inmate.",
    )


def _mark(session: Session, staff: StaffMember, item_id: str) -> DeliveryOutcome:
    submission = visible_item(session, staff, item_id)
    post = session.get(Post, submission.id)
    if post is None:
        raise _not_a_post()
    outcome = outcome_for(Status(submission.status))
    if outcome == DeliveryOutcome.DELIVERED:
        try:
            transitions.move(session, submission, Status.DELIVERED)
        except Conflict:
            # Another click marked it between our read and our write: the same result.
            session.refresh(submission)
            if submission.status == Status.DELIVERED:
                return DeliveryOutcome.ALREADY_DELIVERED
            raise
        post.delivered_at, post.delivered_by = utcnow(), staff.id
        record(session, staff.actor, AuditAction.DELIVERED, submission_id=submission.id)
    return outcome


def mark_delivered(work: UnitOfWork, staff: StaffMember, item_id: str) -> Status:
    """Mark one post delivered; a post already delivered answers the same (a retry is fine)."""
    outcome = _mark(work.session, staff, item_id)
    if outcome == DeliveryOutcome.NOT_APPROVED:
        raise _not_approved(item_id)
    work.commit()
    return Status.DELIVERED


def _unique(ids: list[str]) -> list[str]:
    seen: dict[str, None] = dict.fromkeys(i.strip() for i in ids if i.strip())
    if not seen:
        raise invalid_fields({"ids": ("請至少列出一則。", "Name at least one id.")})
    if len(seen) > MAX_BATCH:
        raise invalid_fields(
            {"ids": (f"一次最多 {MAX_BATCH} 則。", f"At most {MAX_BATCH} ids at once.")}
        )
    return list(seen)


def mark_many(
    work: UnitOfWork, staff: StaffMember, ids: list[str]
) -> list[tuple[str, DeliveryOutcome]]:
    """Mark each post delivered, in one transaction; each id gets its own outcome, so a batch
    retried after a lost answer reads `already_delivered` where the first call marked."""
    results: list[tuple[str, DeliveryOutcome]] = []
    for item_id in _unique(ids):
        try:
            results.append((item_id, _mark(work.session, staff, item_id)))
        except FamilybookError as exc:
            failed = (
                DeliveryOutcome.NOT_A_POST
                if exc.code == ErrorCode.NOT_A_POST
                else DeliveryOutcome.NOT_FOUND
            )
            results.append((item_id, failed))
    work.commit()
    return results


def _photo_keys(session: Session, attempt_id: str) -> tuple[str, ...]:
    rows = session.scalars(
        select(StoredFile).where(StoredFile.attempt_id == attempt_id).order_by(StoredFile.id)
    ).all()
    keys = []
    for f in rows:
        if f.copies_erased_at is not None:  # retention erased it (its service ended): text only
            continue
        if f.sanitized_key and (f.sanitized_type or "").startswith("image/"):
            keys.append(f.sanitized_key)
        elif f.preview_key:  # a PDF attachment: its first page, rendered by the checks
            keys.append(f.preview_key)
    return tuple(keys)


def _sheet(session: Session, staff: StaffMember, item_id: str) -> DeliverySheet:
    submission = visible_item(session, staff, item_id)
    post = session.get(Post, submission.id)
    if post is None:
        raise _not_a_post()
    if Status(submission.status) not in PRINTABLE:
        raise _not_approved(item_id)
    application = session.get(Application, post.application_id)
    assert application is not None
    inmate = session.get(Inmate, application.inmate_id)
    institution = session.get(Institution, submission.institution_id)
    account = session.get(Account, submission.account_id)
    assert inmate is not None and institution is not None and account is not None
    attempt = current_attempt(session, submission)
    return DeliverySheet(
        post_id=submission.id,
        institution=institution.name,
        callsign=inmate.callsign,
        inmate_name=inmate.name,
        family_name=account.name,
        relationship=LABELS[Relationship(application.relationship)][0],
        title=attempt.title or "",
        body=attempt.body or "",
        submitted_on=taiwan_date(attempt.submitted_at),
        approved_on=taiwan_date(submission.decided_at) if submission.decided_at else None,
        photo_keys=_photo_keys(session, attempt.id),
    )


def sheets_to_print(work: UnitOfWork, staff: StaffMember, ids: list[str]) -> list[DeliverySheet]:
    """The pages of the named posts, in the order asked; each print is audited. Any id that is
    not a visible, approved post refuses the whole print (a page silently missing would leave
    an inmate without their post)."""
    sheets = [_sheet(work.session, staff, item_id) for item_id in _unique(ids)]
    for sheet in sheets:
        record(work.session, staff.actor, AuditAction.PRINT_DELIVERY, submission_id=sheet.post_id)
    work.commit()
    return sheets
