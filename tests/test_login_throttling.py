"""Login throttling that holds under parallel guesses, and password checks that hold no lock
(issue 12, findings 1, 3 and 8; both backends)."""

import sqlite3
import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import make_url, select, text

from core.security import Passwords
from storage.models import LoginFailure
from tests.support import flow
from tests.support.db import writing
from tests.support.live import live_server
from usecases.runtime import Runtime

#: Wrong passwords sent at the same instant: ten times the limit.
PARALLEL_GUESSES = 50


def _login(base: str, email: str, password: str, start: threading.Barrier) -> int:
    with httpx.Client(base_url=base, timeout=60) as http:
        start.wait()
        return http.post(
            "/api/v1/sessions", json={"email": email, "password": password}
        ).status_code


def test_fifty_parallel_wrong_logins_check_at_most_the_limit(client, mail, rt):
    # Given a family whose password a stranger already guessed wrong once (its count exists)
    flow.family(client, mail, "target@example.com")
    with live_server(rt) as base:
        codes = [_login(base, "target@example.com", "wrong!!!", threading.Barrier(1))]
        # When 49 more wrong passwords are fired at once at a real server
        start = threading.Barrier(PARALLEL_GUESSES - 1)
        threads = [
            threading.Thread(
                target=lambda: codes.append(_login(base, "target@example.com", "wrong!!!", start))
            )
            for _ in range(PARALLEL_GUESSES - 1)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    # Then only the limit's worth were checked (401); every other one was refused unchecked
    assert len(codes) == PARALLEL_GUESSES
    assert codes.count(401) <= rt.settings.login_max_failures
    assert codes.count(401) + codes.count(429) == PARALLEL_GUESSES
    # And not one attempt was lost from the count
    with writing(rt) as session:
        stored = session.scalar(
            select(LoginFailure.failures).where(LoginFailure.email_key == "target@example.com")
        )
    assert stored == PARALLEL_GUESSES


class _ProbingPasswords(Passwords):
    """Real argon2id; while it checks a password, it notes whether another writer could begin
    (SQLite) or whether any connection sits in an open transaction (PostgreSQL)."""

    def __init__(self, rt: Runtime) -> None:
        super().__init__(time_cost=1, memory_kib=8, parallelism=1)
        self.rt = rt
        self.free_while_checking: list[bool] = []

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.free_while_checking.append(self._no_transaction_open())
        return super().verify(password_hash, password)

    def hash(self, password: str) -> str:
        self.free_while_checking.append(self._no_transaction_open())
        return super().hash(password)

    def _no_transaction_open(self) -> bool:
        url = self.rt.settings.database_url
        if url.startswith("sqlite"):
            conn = sqlite3.connect(make_url(url).database, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                return True
            except sqlite3.OperationalError:
                return False
            finally:
                conn.close()
        with self.rt.db.engine.connect() as conn:
            open_ = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
                )
            )
        return open_ == 0


@pytest.fixture
def probing(rt: Runtime) -> Iterator[_ProbingPasswords]:
    real, rt.passwords = rt.passwords, _ProbingPasswords(rt)
    try:
        assert isinstance(rt.passwords, _ProbingPasswords)
        yield rt.passwords
    finally:
        rt.passwords = real


def test_passwords_are_checked_outside_any_transaction(client, mail, rt, probing):
    flow.family(client, mail, "lock@example.com")
    probing.free_while_checking.clear()
    for password in ("wrong!!!", flow.PASSWORD):
        client.post("/api/v1/sessions", json={"email": "lock@example.com", "password": password})
    assert probing.free_while_checking == [True, True]


def test_a_strangers_failed_logins_do_not_lock_out_the_familys_own_browser(client, mail, rt):
    # Given a family that logged in from this browser (it keeps the device cookie)
    flow.family(client, mail, "own@example.com")
    assert client.cookies.get("familybook_device")
    # When a stranger (no cookie) exhausts the email's failed logins
    stranger = httpx.Client(transport=client._transport, base_url=str(client.base_url))
    for _ in range(rt.settings.login_max_failures + 1):
        last = stranger.post(
            "/api/v1/sessions", json={"email": "own@example.com", "password": "guess!!!"}
        )
    assert last.status_code == 429
    # Then the family's own browser still logs in with the right password
    login = {"email": "own@example.com", "password": flow.PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 201
    # While the stranger, even with the right password, waits
    assert stranger.post("/api/v1/sessions", json=login).status_code == 429


def test_a_known_device_is_throttled_too_when_it_guesses(client, mail, rt):
    flow.family(client, mail, "dev@example.com")
    for _ in range(rt.settings.login_max_failures):
        bad = client.post(
            "/api/v1/sessions", json={"email": "dev@example.com", "password": "guess!!!"}
        )
        assert bad.status_code == 401
    login = {"email": "dev@example.com", "password": flow.PASSWORD}
    assert client.post("/api/v1/sessions", json=login).status_code == 429


def test_a_device_cookie_of_another_account_counts_as_no_device(client, mail, rt):
    # Given this browser knows family one, and family two logged in elsewhere
    flow.family(client, mail, "one@example.com", n=1)
    elsewhere = httpx.Client(transport=client._transport, base_url=str(client.base_url))
    flow.family(elsewhere, mail, "two@example.com", n=2)  # type: ignore[arg-type]
    # When this browser guesses family two's password
    for _ in range(rt.settings.login_max_failures + 1):
        last = client.post(
            "/api/v1/sessions", json={"email": "two@example.com", "password": "guess!!!"}
        )
    # Then it is throttled on family two's count: one's cookie gives it no count of its own
    assert last.status_code == 429
    login = {"email": "two@example.com", "password": flow.PASSWORD}
    assert elsewhere.post("/api/v1/sessions", json=login).status_code == 201


def test_an_overlong_login_password_is_refused_before_hashing(client):
    r = client.post("/api/v1/sessions", json={"email": "a@example.com", "password": "x" * 10_000})
    assert r.status_code == 422
    assert "password" in r.json()["error"]["fields"]


def test_a_registration_hashes_its_password_outside_any_transaction(client, probing):
    assert (
        client.post("/api/v1/accounts", json=flow.registration("reg@example.com")).status_code
        == 201
    )
    assert probing.free_while_checking == [True]
