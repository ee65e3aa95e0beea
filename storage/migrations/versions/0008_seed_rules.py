"""the seeds' rules: relationship degrees, services that end, suspensions per institution
and proposed ones, institution contacts

Revision ID: 0008_seed_rules
Revises: 0007_staff_audit_reports
Create Date: 2026-12-01 18:00:00
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_seed_rules"
down_revision: str | None = "0007_staff_audit_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen here (not imported) so the migration means the same whatever the code becomes.
ALL_CODES = {
    "spouse",
    "parent",
    "child",
    "sibling",
    "grandparent",
    "grandchild",
    "relative",
    "cohabitant",
}
DEGREES = {"parent": 1, "child": 1, "sibling": 2, "grandparent": 2, "grandchild": 2}


def upgraded_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """A list of codes becomes degrees; the old default (all 8 codes, what an institution
    added with no options got) becomes the agency-wide rule: spouse or first degree. The
    30 days a suspension lasted become the seed's one calendar month."""
    policy = dict(policy)
    codes = policy.pop("allowed_relationships", None)
    if codes is not None and "max_relationship_degree" not in policy:
        given = set(codes)
        if given >= ALL_CODES:
            degree, spouse, cohabitant = 1, True, False
        else:
            degree = max((DEGREES[c] for c in given if c in DEGREES), default=0)
            spouse, cohabitant = "spouse" in given, "cohabitant" in given
        policy.update(
            max_relationship_degree=degree, spouse_allowed=spouse, cohabitant_allowed=cohabitant
        )
    if "suspension_months" not in policy:
        if policy.get("suspension_days") == 30:
            policy["suspension_days"] = 0
        policy["suspension_months"] = 1 if policy.get("suspension_days", 0) == 0 else 0
    policy.setdefault("suspension_mode", "automatic")
    return policy


def upgrade() -> None:
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contacts", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relationship_degree", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("end_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ended_by", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("suspensions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("institution_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=20), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("decided_by", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_suspensions_institution", "institutions", ["institution_id"], ["id"]
        )
    conn = op.get_bind()
    institutions = sa.table("institutions", sa.column("id"), sa.column("policy", sa.JSON()))
    for row in conn.execute(sa.select(institutions.c.id, institutions.c.policy)).all():
        policy = row.policy if isinstance(row.policy, dict) else json.loads(row.policy or "{}")
        conn.execute(
            institutions.update()
            .where(institutions.c.id == row.id)
            .values(policy=upgraded_policy(policy))
        )


def downgrade() -> None:
    with op.batch_alter_table("suspensions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_suspensions_institution", type_="foreignkey")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("state")
        batch_op.drop_column("institution_id")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        for column in ("ended_at", "ended_by", "end_note", "end_reason", "relationship_degree"):
            batch_op.drop_column(column)
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_column("contacts")
