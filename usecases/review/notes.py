"""Notes between staff about an item ("called the family, new card coming"): kept beside the
item for the next reviewer, never shown to the family nor in their export, and audited."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from moderation.staff import StaffMember
from moderation.text import clean_text
from storage.audit import record
from storage.models import ReviewNote, Submission, utcnow
from usecases.review.access import visible_item
from usecases.transaction import UnitOfWork

#: A note is a few lines for a colleague, not a case file.
MAX_NOTE_CHARS = 2000


def add_note(work: UnitOfWork, staff: StaffMember, item_id: str, text: str) -> ReviewNote:
    submission = visible_item(work.session, staff, item_id)
    note = write_note(
        work.session, staff, submission, clean_text(text, field="text", max_chars=MAX_NOTE_CHARS)
    )
    work.commit()
    return note


def write_note(
    session: Session, staff: StaffMember, submission: Submission, text: str
) -> ReviewNote:
    """Add a note (already cleaned) in the caller's transaction; reopen writes its reason so."""
    note = ReviewNote(
        submission_id=submission.id, staff_id=staff.id, text=text, created_at=utcnow()
    )
    session.add(note)
    session.flush()
    record(session, staff.actor, AuditAction.NOTE, submission_id=submission.id, note_id=note.id)
    return note


def notes_of(session: Session, submission_id: str) -> list[ReviewNote]:
    return list(
        session.scalars(
            select(ReviewNote)
            .where(ReviewNote.submission_id == submission_id)
            .order_by(ReviewNote.created_at, ReviewNote.id)
        )
    )
