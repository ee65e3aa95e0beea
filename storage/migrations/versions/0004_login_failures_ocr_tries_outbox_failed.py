"""login failures per email, OCR tries, outbox emails given up

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("since", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email_key"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("failed_login_since")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ocr_tries", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("ocr_tries")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_login_since", storage.models.UTCDateTime(timezone=True))
        )
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
    op.drop_table("login_failures")
