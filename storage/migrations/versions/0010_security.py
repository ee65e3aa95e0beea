"""security: rate counters, known login devices, erased files, an append-only audit log

Revision ID: 0010_security
Revises: 0005
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010_security"
down_revision: str | None = "0008_seed_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: On PostgreSQL the audit log refuses UPDATE and DELETE whoever asks; TRUNCATE (the table
#: owner's, never the application's path) is what a test database uses to start empty.
AUDIT_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION familybook_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION familybook_audit_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("since", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "login_devices",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_login_devices_account_id", "login_devices", ["account_id"])
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("original_erased_at", storage.models.UTCDateTime(timezone=True))
        )
        batch_op.add_column(
            sa.Column("copies_erased_at", storage.models.UTCDateTime(timezone=True))
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_APPEND_ONLY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS familybook_audit_append_only()")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_column("copies_erased_at")
        batch_op.drop_column("original_erased_at")
    op.drop_index("ix_login_devices_account_id", table_name="login_devices")
    op.drop_table("login_devices")
    op.drop_table("rate_counters")
