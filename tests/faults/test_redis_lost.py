"""Redis loses everything (FLUSHDB, or a restart of a server that keeps nothing on disk) while
submissions are in flight: the sweeper, from the database, finishes all of them."""

import os
import signal

import httpx
import redis

from moderation.statuses import Status
from tests.conftest import MAIL
from tests.faults.conftest import (
    CHECKED,
    REAL_PROCESSES,
    all_in,
    check_rows,
    slow_application_files,
    statuses,
)
from tests.faults.procs import free_port, wait_until
from tests.support import flow

pytestmark = REAL_PROCESSES

#: (institution, callsign) of the applications sent: one family each.
SLOTS = [("TTD", "7375"), ("TTD", "7376"), ("TTD", "7378"), ("TPE", "7375")]


def _institutions(rt):
    flow.institution(rt, "TTD", max_child_age=99)
    flow.institution(rt, "TPE", max_child_age=99)


def _families(http, count):
    return [flow.family(http, MAIL, f"f{i}@example.com", n=i) for i in range(1, count + 1)]


def _apply_all(http, families, slots):
    ids = []
    for fam, (code, callsign) in zip(families, slots, strict=True):
        r = flow.apply(http, fam, callsign=callsign, code=code, files_=slow_application_files(1))
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    return ids


def test_redis_emptied_while_submissions_are_in_flight(client, rt, procs):
    _institutions(rt)
    procs.worker(threads=1)
    families = _families(client, len(SLOTS))
    ids = _apply_all(client, families, SLOTS)
    # Given work under way and waiting in Redis
    wait_until(lambda: Status.CHECKING in statuses(rt, ids).values(), 20, "a check under way")
    shared = redis.Redis.from_url(os.environ["FAMILYBOOK_REDIS_URL"])
    assert shared.dbsize() > 0
    # When Redis loses everything (our database only: FLUSHDB on db 15, not the whole server)
    shared.flushdb()
    pending = [i for i, s in statuses(rt, ids).items() if s not in CHECKED]
    assert len(pending) >= 2, "too little in flight when Redis was emptied"
    # Then the sweeper re-sends from the database and every submission is checked, once
    wait_until(lambda: all_in(rt, ids, CHECKED), 60, "every submission checked")
    assert set(statuses(rt, ids).values()) == {Status.AWAITING_REVIEW}
    total, distinct = check_rows(rt)
    assert total == distinct > 0


def test_redis_restarted_while_submissions_are_in_flight(rt, procs):
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    server = procs.redis(port)
    _, api_url = procs.api(FAMILYBOOK_REDIS_URL=redis_url)
    procs.worker(threads=1, FAMILYBOOK_REDIS_URL=redis_url)
    _institutions(rt)
    with httpx.Client(base_url=api_url, timeout=30) as http:
        families = _families(http, len(SLOTS))
        ids = _apply_all(http, families[:3], SLOTS[:3])
        wait_until(lambda: Status.CHECKING in statuses(rt, ids).values(), 20, "a check under way")
        # When the private Redis dies (it keeps nothing on disk) …
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        # … the API still accepts submissions, and says which part is down
        ready = http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["error"]["parts"]["broker"].startswith("down")
        ids += _apply_all(http, families[3:], SLOTS[3:])
        # … and comes back empty
        procs.redis(port)
        wait_until(lambda: http.get("/readyz").status_code == 200, 15, "the API ready again")
        # Then every submission completes, checked once
        wait_until(lambda: all_in(rt, ids, CHECKED), 60, "every submission checked")
    assert set(statuses(rt, ids).values()) == {Status.AWAITING_REVIEW}
    total, distinct = check_rows(rt)
    assert total == distinct > 0
