"""Migration 0008 reads policies stored before version 1.1 sensibly: a list of relationship
codes becomes degrees (the old all-codes default becomes the agency-wide rule), 30 days of
suspension become the seed's calendar month."""

import json

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from moderation.policy import Policy
from storage.migrate import alembic_config

ALL_CODES = ["spouse", "parent", "child", "sibling", "grandparent", "grandchild", "relative",
             "cohabitant"]  # fmt: skip


@pytest.mark.backend_independent
@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        # an institution added with no options: every code, 30 days → the agency-wide rule
        ({"allowed_relationships": ALL_CODES, "suspension_days": 30}, (1, True, False, 1, 0)),
        # Taitung as it was once written: spouse, parent, cohabitant → degree 1 + cohabitants
        ({"allowed_relationships": ["spouse", "parent", "cohabitant"]}, (1, True, True, 1, 0)),
        ({"allowed_relationships": ["sibling"], "suspension_days": 7}, (2, False, False, 0, 7)),
    ],
)
def test_old_policies_are_rewritten_as_degrees_and_months(tmp_path, stored, expected):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0005")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO institutions (id, code, name, policy) VALUES ('i', 'X', 'X', :p)"),
            {"p": json.dumps(stored)},
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        raw = json.loads(conn.execute(text("SELECT policy FROM institutions")).scalar_one())
        contacts = conn.execute(text("SELECT contacts FROM institutions")).scalar_one()
    engine.dispose()
    policy = Policy.from_json(raw)
    assert "allowed_relationships" not in raw
    assert (
        policy.max_relationship_degree,
        policy.spouse_allowed,
        policy.cohabitant_allowed,
        policy.suspension_months,
        policy.suspension_days,
    ) == expected
    assert json.loads(contacts) == []
