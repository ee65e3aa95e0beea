"""When the database is unreachable the API says so (503, a clear code) and keeps nothing."""

import pytest

from storage.db import Database
from tests.support import flow

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture
def database_down(rt):
    working = rt.db
    rt.db = Database(UNREACHABLE)
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
    rt.db = Database(UNREACHABLE)
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


class RedisSwitch:
    """Makes Redis unreachable for this process (the broker's client points at a closed port)
    and brings it back: the production backend's broker, without touching the server."""

    def __init__(self, rt) -> None:
        from tests.conftest import broker_of

        broker = broker_of(rt)
        self.broker = broker
        self.working = broker.client, broker.scripts

    def down(self) -> None:
        import redis
        from dramatiq.brokers.redis import _scripts
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        dead = redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
        # dramatiq sends through Lua scripts bound to the client they were registered on.
        self.broker.client = dead
        self.broker.scripts = {name: dead.register_script(s) for name, s in _scripts.items()}

    def up(self) -> None:
        self.broker.client, self.broker.scripts = self.working


@pytest.fixture
def redis_switch(rt):
    from tests.conftest import BACKEND

    if BACKEND != "production":
        pytest.skip("the in-process broker cannot be down")
    switch = RedisSwitch(rt)
    try:
        yield switch
    finally:
        switch.up()


def test_with_redis_down_an_upload_is_kept_and_finished_once_it_is_back(
    client, rt, mail, redis_switch, caplog
):
    from datetime import timedelta

    from usecases.sweeping import sweep

    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    # Given Redis is unreachable when the family applies
    redis_switch.down()
    r = flow.apply(client, fam)
    # Then the database has it (the record; broker messages only wake workers): 202, not lost
    assert r.status_code == 202, r.text
    assert client.get("/readyz").json()["error"]["parts"]["broker"].startswith("down")
    # its wake-up was lost with the broker (said in the log), so it waits in `received`
    assert "check_attempt" in caplog.text and "left to the sweeper" in caplog.text
    status = client.get(f"/api/v1/applications/{r.json()['id']}", headers=fam.headers).json()
    assert status["status"] == "received"
    # When Redis is back, the sweeper's re-send finishes it
    redis_switch.up()
    sweep(rt, stuck_after=timedelta(0))
    flow.wait_status(client, fam, r.json()["id"], {"awaiting_review"})
