"""staff tokens that expire and can be disabled, idempotent institution posts, appeal answers,
audit entries findable by institution and family

Revision ID: 0007_staff_audit_reports
Revises: 0006_review_triage
Create Date: 2026-12-01 17:45:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0007_staff_audit_reports"
down_revision: str | None = "0006_review_triage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tokens issued before expiry existed get the default lifetime from now, not from their
#: creation: expiring every old token at the upgrade would lock every reviewer out at once.
LEGACY_TOKEN_DAYS = 90


def upgrade() -> None:
    now = datetime.now(UTC)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_issued_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("token_expires_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True)))
    staff = sa.table(
        "staff",
        sa.column("token_issued_at", sa.DateTime(timezone=True)),
        sa.column("token_expires_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        staff.update().values(
            token_issued_at=now, token_expires_at=now + timedelta(days=LEGACY_TOKEN_DAYS)
        )
    )
    with op.batch_alter_table("institution_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=200)))
        batch_op.create_unique_constraint(
            "uq_institution_posts_staff_key", ["staff_id", "idempotency_key"]
        )
    with op.batch_alter_table("strikes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appeal_strike_count", sa.Integer()))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("institution_id", sa.String(length=36)))
        batch_op.add_column(sa.Column("account_id", sa.String(length=36)))
        batch_op.create_index("ix_audit_log_institution", ["institution_id", "id"])
        batch_op.create_index("ix_audit_log_account", ["account_id", "id"])
        batch_op.create_index("ix_audit_log_actor", ["actor", "id"])
    # Entries about a submission belong to its institution and family.
    op.execute(
        "UPDATE audit_log SET "
        "institution_id = (SELECT institution_id FROM submissions s WHERE s.id = submission_id), "
        "account_id = (SELECT account_id FROM submissions s WHERE s.id = submission_id) "
        "WHERE submission_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_actor")
        batch_op.drop_index("ix_audit_log_account")
        batch_op.drop_index("ix_audit_log_institution")
        batch_op.drop_column("account_id")
        batch_op.drop_column("institution_id")
    with op.batch_alter_table("strikes", schema=None) as batch_op:
        batch_op.drop_column("appeal_strike_count")
    with op.batch_alter_table("institution_posts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_institution_posts_staff_key", type_="unique")
        batch_op.drop_column("idempotency_key")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("token_expires_at")
        batch_op.drop_column("token_issued_at")
