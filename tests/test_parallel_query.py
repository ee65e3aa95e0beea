"""PostgreSQL's parallel query is off on our connections unless an operator turns it on
(`FAMILYBOOK_DB_PARALLEL_WORKERS`): starting workers cost a page more than its scan."""

import pytest
from sqlalchemy import text

from core.settings import Settings
from storage.db import Database
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "production", reason="a PostgreSQL setting")


def _workers_per_query(db: Database) -> str:
    with db.session() as session:
        return str(session.execute(text("SHOW max_parallel_workers_per_gather")).scalar())


def test_our_connections_plan_every_query_without_parallel_workers(rt):
    assert Settings().db_parallel_workers == 0
    assert _workers_per_query(rt.db) == "0"


def test_an_operator_may_allow_parallel_workers(rt, monkeypatch):
    monkeypatch.setenv("FAMILYBOOK_DB_PARALLEL_WORKERS", "2")
    db = Database(rt.settings.database_url, parallel_workers=Settings().db_parallel_workers)
    try:
        assert _workers_per_query(db) == "2"
    finally:
        db.dispose()
