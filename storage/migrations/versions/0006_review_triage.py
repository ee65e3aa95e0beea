"""review triage: staff names, notes, file hashes, queue indexes

Revision ID: 0006_review_triage
Revises: 0005
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_review_triage"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name", sa.String(length=100), server_default="", nullable=False)
        )
    # Staff added before names existed are shown by their email until someone names them.
    op.execute("UPDATE staff SET name = email WHERE name = ''")


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("name")
