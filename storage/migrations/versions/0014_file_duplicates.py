"""file duplicates: the same document in another family's submission, found once at the checks
(issue 10)

Revision ID: 0014_file_duplicates
Revises: 0013_attempt_flags
Create Date: 2026-12-02 06:30:00

Each opening of an item searched every family's files for its duplicates again: among 100,000
files a hash shares a slice with about 24 others by chance, and fetching and comparing them was
half of PostgreSQL's work for a claim. The checks now search once and keep the links both ways
(`storage.duplicates`). Files checked before this migration are linked here, by the same rules:
the same SHA-256, or perceptual hashes sharing a slice and within `NEAR_DISTANCE` bits, in two
different accounts' submissions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from moderation.document_hash import distance, is_near

revision: str = "0014_file_duplicates"
down_revision: str | None = "0013_attempt_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Each file with its account: two files are duplicates only across accounts.
OWNED = """
    SELECT f.id, f.sha256, f.phash, s.account_id
    FROM files f JOIN attempts a ON a.id = f.attempt_id JOIN submissions s ON s.id = a.submission_id
"""
EXACT = f"""
    SELECT x.id, y.id FROM ({OWNED}) x JOIN ({OWNED}) y
    ON x.sha256 = y.sha256 AND x.account_id <> y.account_id
"""
SHARED_SLICE = f"""
    SELECT DISTINCT x.file_id, y.file_id, fx.phash, fy.phash
    FROM phash_bands x
    JOIN phash_bands y ON y.band = x.band AND y.value = x.value AND y.file_id <> x.file_id
    JOIN ({OWNED}) fx ON fx.id = x.file_id
    JOIN ({OWNED}) fy ON fy.id = y.file_id
    WHERE fx.account_id <> fy.account_id
"""
BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "file_duplicates",
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("other_file_id", sa.String(length=36), nullable=False),
        sa.Column("match", sa.String(length=10), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_file_id"], ["files.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", "other_file_id"),
    )
    op.create_index("ix_file_duplicates_other_file_id", "file_duplicates", ["other_file_id"])
    _link_existing(op.get_bind())


def _link_existing(conn: sa.Connection) -> None:
    links: dict[tuple[str, str], tuple[str, int]] = {}
    for a, b in conn.exec_driver_sql(EXACT):
        links[(a, b)] = ("exact", 0)
    # Candidates come by the thousand, read as they stream: among 100,000 files about 2.5
    # million pairs share a slice by chance (23 s in PostgreSQL), too many to hold at once.
    streaming = {"stream_results": True, "max_row_buffer": BATCH * 10}
    candidates = conn.exec_driver_sql(SHARED_SLICE, execution_options=streaming)
    for part in candidates.partitions(BATCH * 10):
        for a, b, hash_a, hash_b in part:
            if (a, b) not in links and hash_a and hash_b and is_near(hash_a, hash_b):
                links[(a, b)] = ("similar", distance(hash_a, hash_b))
    rows = [
        {"file_id": a, "other_file_id": b, "match": match, "distance": apart}
        for (a, b), (match, apart) in links.items()
    ]
    table = sa.table(
        "file_duplicates",
        sa.column("file_id"),
        sa.column("other_file_id"),
        sa.column("match"),
        sa.column("distance"),
    )
    for start in range(0, len(rows), BATCH):
        conn.execute(sa.insert(table), rows[start : start + BATCH])


def downgrade() -> None:
    op.drop_index("ix_file_duplicates_other_file_id", table_name="file_duplicates")
    op.drop_table("file_duplicates")
