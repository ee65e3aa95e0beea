"""attempt flags: each attempt's flag codes as indexed rows, for the queue's flag filter (issue 10)

Revision ID: 0013_attempt_flags
Revises: 0012_review_indexes
Create Date: 2026-12-02 01:45:00

`GET /queue?flag=` parsed the JSON `attempts.flags` of every row it scanned: a flag on 0.2% of
a 20,000-item queue read all of them for one page. `attempt_flags` (attempt, code) with an
index on code finds the flagged attempts directly; the ORM keeps it in step with the JSON
(`storage.models.flag_index`). The rows of existing attempts are filled here from the JSON.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_attempt_flags"
down_revision: str | None = "0012_review_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = {
    "postgresql": """
        INSERT INTO attempt_flags (attempt_id, code)
        SELECT DISTINCT a.id, f.value ->> 'code'
        FROM attempts a CROSS JOIN LATERAL json_array_elements(a.flags) f
        WHERE json_typeof(a.flags) = 'array' AND f.value ->> 'code' IS NOT NULL""",
    "sqlite": """
        INSERT INTO attempt_flags (attempt_id, code)
        SELECT DISTINCT a.id, json_extract(f.value, '$.code')
        FROM attempts a, json_each(a.flags) f
        WHERE json_type(a.flags) = 'array' AND json_extract(f.value, '$.code') IS NOT NULL""",
}


def upgrade() -> None:
    op.create_table(
        "attempt_flags",
        sa.Column(
            "attempt_id",
            sa.String(36),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(40), primary_key=True),
    )
    op.create_index("ix_attempt_flags_code", "attempt_flags", ["code"])
    op.execute(BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    op.drop_index("ix_attempt_flags_code", table_name="attempt_flags")
    op.drop_table("attempt_flags")
