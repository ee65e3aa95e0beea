"""When the database is unreachable the API says so (503, a clear code) and keeps nothing."""

import pytest

from storage.db import Database
from tests.support import flow

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture
def database_down(rt):
    working = rt.db
    rt.db = Database(rt.settings.model_copy(update={"database_url": UNREACHABLE}))
    try:
        yield rt
    finally:
        rt.db.dispose()
        rt.db = working


def test_registration_answers_503_when_the_database_is_down(client, database_down):
    r = client.post("/api/v1/accounts", json=flow.registration("a@example.com"))
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "database_unavailable"
    assert r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0


def test_an_upload_while_the_database_is_down_leaves_no_file(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    working = rt.db
    rt.db = Database(rt.settings.model_copy(update={"database_url": UNREACHABLE}))
    try:
        r = flow.apply(client, fam)
    finally:
        rt.db.dispose()
        rt.db = working
    assert r.status_code == 503
    assert rt.files.count() == 0
    assert rt.files.temporary_count() == 0


def test_readyz_names_the_part_that_is_down(client, database_down):
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["error"]["parts"]["database"].startswith("down")
    assert r.json()["error"]["parts"]["broker"].startswith("ok")
