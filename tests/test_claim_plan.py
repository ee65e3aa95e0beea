"""Claim-next keeps one plan on PostgreSQL: a reviewer of one institution claims through a
prepared statement whose generic plan PostgreSQL keeps, rather than planning the statement
again on every claim (a quarter of PostgreSQL's CPU per claim, see `storage.claiming`)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.claiming import claim_oldest
from storage.models import Institution, Staff, utcnow
from tests.conftest import BACKEND
from tests.support import flow
from tests.support.queue import fill_queue

pytestmark = pytest.mark.skipif(BACKEND != "production", reason="PostgreSQL's plan cache")

#: psycopg prepares a statement at its 5th run, PostgreSQL then plans the first 5 runs of the
#: prepared statement for their values before it weighs the generic plan.
RUNS = 14  # 4 or 5 unprepared, 5 custom, the rest generic


def _plans(session) -> tuple[int, int]:
    row = session.execute(
        text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%WITH waiting AS%'"
        )
    ).one()
    return row.generic_plans, row.custom_plans


def test_a_reviewer_of_one_institution_claims_through_the_generic_plan(rt):
    flow.institution(rt)
    flow.staff(rt, "me@ttd.example", ["TTD"])
    items = fill_queue(rt, RUNS)
    # One connection throughout: prepared statements and their plans belong to it.
    with rt.db.engine.connect() as conn, Session(bind=conn) as session:
        me = session.scalars(select(Staff).where(Staff.email == "me@ttd.example")).one()
        ttd = session.scalars(select(Institution.id).where(Institution.code == "TTD")).one()
        for item in items:
            now = utcnow()
            claimed = claim_oldest(
                session,
                [ttd],
                None,
                staff_id=me.id,
                actor="staff:me",
                now=now,
                until=now + timedelta(minutes=15),
            )
            assert claimed is not None and claimed.id == item.id
            # Committed: psycopg forgets what it prepared in a transaction rolled back.
            session.commit()
        generic, custom = _plans(session)
    assert custom <= 5 and generic >= RUNS - 10
