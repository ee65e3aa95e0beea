"""Queue an email in the same transaction as the change it reports (the outbox pattern)."""

import uuid

from sqlalchemy.orm import Session

from moderation.emails import Email
from storage.models import OutboxEmail


def queue_email(session: Session, email: Email, *, domain: str = "familybook.localhost") -> str:
    row = OutboxEmail(
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        to_addr=email.to,
        subject=email.subject,
        body=email.body,
    )
    session.add(row)
    session.flush()
    return row.id
