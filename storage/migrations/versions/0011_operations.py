"""operations: worker heartbeats, inmates released by a roster import (issue 13)

Revision ID: 0011_operations
Revises: 0007_staff_audit_reports
Create Date: 2026-12-01 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0011_operations"
down_revision: str | None = "0007_staff_audit_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("queues", sa.String(length=200), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_worker_heartbeats_host", "worker_heartbeats", ["host"])
    op.create_index("ix_worker_heartbeats_beat_at", "worker_heartbeats", ["beat_at"])
    with op.batch_alter_table("inmates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inmates", schema=None) as batch_op:
        batch_op.drop_column("released_at")
    op.drop_index("ix_worker_heartbeats_beat_at", table_name="worker_heartbeats")
    op.drop_index("ix_worker_heartbeats_host", table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
