"""usecases.pipeline_health.stuck_report: stuck submissions, failing emails, Redis dead letters."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from storage.models import Account, OutboxEmail, Submission, utcnow
from tests.conftest import BACKEND, broker_of
from tests.support import flow
from tests.support.db import writing
from usecases import pipeline_health

pytestmark = pytest.mark.skipif(
    BACKEND != "production",
    reason="dead letters exist only on Redis (FAMILYBOOK_TEST_BACKEND=production)",
)


def stuck_report(rt, **kwargs):
    with rt.db.session() as session:
        return pipeline_health.stuck_report(rt, session, **kwargs)


def test_stuck_report_lists_stuck_work_failing_emails_and_dead_letters(client, rt):
    flow.institution(rt)
    body = flow.registration("a@example.com")
    assert client.post("/api/v1/accounts", json=body).status_code == 201
    with writing(rt) as session:
        session.execute(update(Account).values(verified_at=utcnow()))
        session.execute(update(OutboxEmail).values(last_error="SMTPServerDisconnected()"))
    r = client.post("/api/v1/sessions", json={"email": body["email"], "password": flow.PASSWORD})
    fam = flow.Family(body["email"], r.json()["token"], body["national_id"])
    app_id = flow.apply(client, fam).json()["id"]  # no worker runs: it stays `received`
    assert stuck_report(rt)["counts"]["stuck_submissions"] == 0  # not stuck yet
    with writing(rt) as session:
        session.execute(update(Submission).values(status_changed_at=utcnow() - timedelta(hours=1)))
    # A message that failed for good: dramatiq's consumer dead-letters it (nack)
    broker = broker_of(rt)
    broker.flush_all()
    rt.queues.actors.check_attempt.send("gone-attempt")
    consumer = broker.consume("checks", prefetch=1, timeout=1000)
    message = next(m for m in consumer if m is not None)
    consumer.nack(message)
    consumer.close()

    report = stuck_report(rt)

    assert report["counts"] == {"stuck_submissions": 1, "failing_emails": 1, "dead_letters": 1}
    [stuck] = report["stuck_submissions"]
    assert stuck["id"] == app_id and stuck["status"] == "received" and stuck["stuck_s"] >= 3599
    [email] = report["failing_emails"]
    assert email["to"] == "a***@example.com" and "Disconnected" in email["last_error"]
    [dead] = report["dead_letters"]["checks"]["messages"]
    assert dead["actor"] == "check_attempt" and dead["args"] == ["gone-attempt"]
    assert report["dead_letters"]["mail"]["count"] == 0
    assert stuck_report(rt, institution_ids=[])["counts"]["stuck_submissions"] == 0
