"""review triage: staff names, notes, reopen, document hashes, queue and search indexes

Revision ID: 0006_review_triage
Revises: 0005
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0006_review_triage"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_QUEUE = "status IN ('awaiting_review', 'in_review')"
#: SQLite's reflected unique constraints have no name: batch mode names them by this.
UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    _staff_names()
    _notes()
    _reopen()
    _hashes()
    _search_indexes()


def _staff_names() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name", sa.String(length=100), server_default="", nullable=False)
        )
    # Staff added before names existed are shown by their email until someone names them.
    op.execute("UPDATE staff SET name = email WHERE name = ''")


def _notes() -> None:
    op.create_table(
        "review_notes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_notes_item", "review_notes", ["submission_id", "created_at"])


def _reopen() -> None:
    # A reversed decision stays on record: one *standing* decision per attempt, not one ever.
    is_postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table(
        "decisions", schema=None, naming_convention=None if is_postgres else UNNAMED
    ) as batch_op:
        batch_op.add_column(
            sa.Column("reversed_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reversed_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("reverse_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_decisions_reversed_by", "staff", ["reversed_by"], ["id"])
        batch_op.drop_constraint(
            "decisions_attempt_id_key" if is_postgres else "uq_decisions_attempt_id",
            type_="unique",
        )
    op.create_index(
        "uq_decisions_attempt_standing",
        "decisions",
        ["attempt_id"],
        unique=True,
        sqlite_where=sa.text("reversed_at IS NULL"),
        postgresql_where=sa.text("reversed_at IS NULL"),
    )
    op.create_index("ix_decisions_staff_decided", "decisions", ["staff_id", "decided_at"])
    with op.batch_alter_table("strikes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def _hashes() -> None:
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_files_sha256", ["sha256"], unique=False)
    op.create_table(
        "phash_bands",
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "value", "file_id"),
    )
    op.create_index("ix_phash_bands_file_id", "phash_bands", ["file_id"])


def _search_indexes() -> None:
    op.create_index(
        "ix_submissions_in_queue",
        "submissions",
        ["institution_id", "submitted_at", "id"],
        sqlite_where=sa.text(IN_QUEUE),
        postgresql_where=sa.text(IN_QUEUE),
    )
    op.create_index(
        "ix_submissions_all_items", "submissions", ["institution_id", "submitted_at", "id"]
    )
    op.create_index("ix_applications_inmate_id", "applications", ["inmate_id"])
    op.create_index("ix_accounts_national_id", "accounts", ["national_id"])
    op.create_index(
        "ix_accounts_name_prefix",
        "accounts",
        ["name"],
        postgresql_ops={"name": "varchar_pattern_ops"},
    )


def downgrade() -> None:
    for name, table in (
        ("ix_accounts_name_prefix", "accounts"),
        ("ix_accounts_national_id", "accounts"),
        ("ix_applications_inmate_id", "applications"),
        ("ix_submissions_all_items", "submissions"),
        ("ix_submissions_in_queue", "submissions"),
        ("ix_decisions_staff_decided", "decisions"),
        ("uq_decisions_attempt_standing", "decisions"),
    ):
        op.drop_index(name, table_name=table)
    op.drop_table("phash_bands")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index("ix_files_sha256")
        batch_op.drop_column("phash")
    with op.batch_alter_table("strikes", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_decisions_reversed_by", type_="foreignkey")
        batch_op.drop_column("reverse_reason")
        batch_op.drop_column("reversed_by")
        batch_op.drop_column("reversed_at")
        batch_op.create_unique_constraint("decisions_attempt_id_key", ["attempt_id"])
    op.drop_table("review_notes")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("name")
