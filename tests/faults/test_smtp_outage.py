"""The SMTP server stops, reviewers decide, SMTP comes back: with real worker processes (two
sweepers re-sending the same due emails) every email arrives exactly once."""

from sqlalchemy import select

from storage.models import OutboxEmail
from tests.conftest import MAIL
from tests.faults.conftest import REAL_PROCESSES, all_in
from tests.faults.procs import wait_until
from tests.support import flow
from tests.support.db import writing

pytestmark = REAL_PROCESSES

SLOTS = ("7375", "7376", "7378")


def _outbox(rt):
    with writing(rt) as session:
        return session.scalars(select(OutboxEmail)).all()


def test_smtp_down_while_deciding_every_email_arrives_exactly_once(client, rt, procs):
    flow.institution(rt, max_child_age=99)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    procs.worker(threads=2)
    procs.worker(threads=2)
    families = [flow.family(client, MAIL, f"f{i}@example.com", n=i) for i in (1, 2, 3)]
    ids = [
        flow.apply(client, fam, callsign=c).json()["id"]
        for fam, c in zip(families, SLOTS, strict=True)
    ]
    wait_until(lambda: all_in(rt, ids, {"awaiting_review"}), 30, "awaiting_review")
    before = {m["Message-ID"] for m in MAIL.messages}
    # Given the SMTP server is down while reviewers decide
    MAIL.stop()
    try:
        for app_id in ids:
            assert client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer).is_success
            r = client.post(
                f"/review/v1/items/{app_id}/decision",
                json={"decision": "approve"},
                headers={**reviewer, "Idempotency-Key": app_id},
            )
            assert r.status_code == 200, r.text
        # … and the workers have tried, failed and backed off, more than once
        wait_until(
            lambda: sum(e.tries >= 2 and e.last_error is not None for e in _outbox(rt)) == 3,
            30,
            "failed sends",
        )
    finally:
        # When SMTP comes back
        MAIL.start()
    # Then every email is sent, the outbox drains …
    wait_until(lambda: all(e.sent_at for e in _outbox(rt)), 30, "the outbox drained")
    # … and later sweeps send nothing again: an email only a sweep can send arrives after them
    canary = _queue_canary(rt)
    wait_until(lambda: any(m["Message-ID"] == canary for m in MAIL.messages), 30, "a later sweep")
    decided = [m for m in MAIL.messages if m["Message-ID"] not in before]
    for fam in families:
        assert len([m for m in decided if m["To"] == fam.email]) == 1
    assert sorted(m["Message-ID"] for m in decided) == sorted(
        e.message_id for e in _outbox(rt) if e.message_id not in before
    )


def _queue_canary(rt) -> str:
    """An email written to the outbox with no wake-up: the workers' sweepers find it."""
    from moderation.emails import Email
    from storage.outbox import queue_email

    with writing(rt) as session:
        row_id = queue_email(session, Email("canary@example.com", "canary", "."))
        return session.get(OutboxEmail, row_id).message_id
