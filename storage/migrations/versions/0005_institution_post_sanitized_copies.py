"""sanitized copies of the institution's files

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: entries published before staff files went through the checks have no copy,
    # and the family API never serves their originals.
    with op.batch_alter_table("institution_post_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sanitized_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("sanitized_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("sanitized_size", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("institution_post_files", schema=None) as batch_op:
        batch_op.drop_column("sanitized_size")
        batch_op.drop_column("sanitized_type")
        batch_op.drop_column("sanitized_key")
