"""review indexes: claim-next's two candidates, each from its own partial index (issue 10)

Revision ID: 0012_review_indexes
Revises: 0011_operations
Create Date: 2026-12-01 22:20:00

Claim-next scanned `ix_submissions_in_queue` (both queue statuses) and read every claimed row
at the head of the queue to skip it, on every claim. Now the oldest item awaiting review comes
from an index of those alone, in keyset order, and a lapsed lease from an index of the claimed
items by lease end (few rows, and only the lapsed ones are read).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_review_indexes"
down_revision: str | None = "0011_operations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AWAITING = "status = 'awaiting_review'"
IN_REVIEW = "status = 'in_review'"


def upgrade() -> None:
    op.create_index(
        "ix_submissions_claimable",
        "submissions",
        ["institution_id", "submitted_at", "id"],
        sqlite_where=sa.text(AWAITING),
        postgresql_where=sa.text(AWAITING),
    )
    op.create_index(
        "ix_submissions_lease",
        "submissions",
        ["institution_id", "lease_expires_at"],
        sqlite_where=sa.text(IN_REVIEW),
        postgresql_where=sa.text(IN_REVIEW),
    )


def downgrade() -> None:
    op.drop_index("ix_submissions_lease", table_name="submissions")
    op.drop_index("ix_submissions_claimable", table_name="submissions")
