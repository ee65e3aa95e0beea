"""Nothing accepted is lost or done twice: lost wake-ups, SMTP down, re-run actors."""

from datetime import timedelta

from sqlalchemy import func, select, update

from moderation.statuses import Status
from storage.models import AuditEntry, CheckResult, OutboxEmail, Submission, utcnow
from tests.support import flow
from tests.support.db import writing
from usecases import checking
from usecases.sweeping import sweep

NOW = timedelta(0)


def _sweep(rt):
    return sweep(rt, stuck_after=NOW)


def test_lost_wake_ups_are_resent_by_the_sweeper(client, rt, mail):
    # Given submissions accepted while their broker messages were lost (Redis emptied)
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    workers_pool = mail  # the `mail` fixture runs the workers
    assert workers_pool is not None
    app_id = _apply_with_lost_message(client, rt, fam)
    assert _status(rt, app_id) == Status.RECEIVED
    # When the sweeper runs
    assert _sweep(rt).resent_checks == 1
    # Then the submission completes
    flow.wait_status(client, fam, app_id, {"awaiting_review"})


def _apply_with_lost_message(client, rt, fam):
    """Apply while the broker is unreachable: the wake-up is lost, the submission is not."""
    actor = rt.queues.actors.check_attempt

    def broker_down(*_args, **_kwargs):
        raise ConnectionError("broker down")

    actor.send = broker_down  # type: ignore[method-assign]
    try:
        r = flow.apply(client, fam)
    finally:
        del actor.send  # back to the class's own
    assert r.status_code == 202
    return r.json()["id"]


def _status(rt, submission_id):
    with writing(rt) as session:
        return session.get(Submission, submission_id).status


def test_a_check_run_twice_stores_one_result(client, rt, mail):
    # Given an application whose checks are done
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    with writing(rt) as session:
        results = session.scalar(select(func.count()).select_from(CheckResult))
        attempt_id = session.scalar(select(CheckResult.attempt_id).limit(1))
        # When its worker is presumed dead mid-check and another worker checks it again
        session.execute(
            update(Submission).where(Submission.id == app_id).values(status=Status.CHECKING)
        )
    files_before = rt.files.count()
    assert checking.check_attempt(rt, attempt_id) == Status.AWAITING_REVIEW
    assert checking.check_attempt(rt, attempt_id) is None  # and a late duplicate finds it done
    # Then one set of results and one set of sanitized copies remain
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(CheckResult)) == results
    assert rt.files.count() == files_before


def test_emails_survive_an_smtp_outage_and_arrive_exactly_once(client, rt, mail):
    flow.institution(rt, max_child_age=99)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    families = [flow.family(client, mail, f"f{i}@example.com", n=i) for i in range(1, 4)]
    ids = []
    for fam, callsign in zip(families, ("7375", "7376", "7378"), strict=True):
        ids.append(flow.apply(client, fam, callsign=callsign).json()["id"])
    for fam, app_id in zip(families, ids, strict=True):
        flow.wait_status(client, fam, app_id, {"awaiting_review"})
    mail.clear()
    # Given the SMTP server is down while reviewers decide
    mail.stop()
    try:
        for app_id in ids:
            client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer)
            r = client.post(
                f"/review/v1/items/{app_id}/decision",
                json={"decision": "approve"},
                headers={**reviewer, "Idempotency-Key": app_id},
            )
            assert r.status_code == 200
        flow.wait_for(lambda: _failed_sends(rt) == 3, what="three failed sends")
    finally:
        # When SMTP comes back and the sweeper finds the emails due
        mail.start()
    with writing(rt) as session:
        session.execute(update(OutboxEmail).values(next_try_at=OutboxEmail.created_at))
    _sweep(rt)
    _sweep(rt)  # a second sweep must not send anything twice
    # Then every email arrives exactly once
    for fam in families:
        assert len(mail.wait_for(fam.email, 1)) == 1
    flow.wait_for(lambda: flow.unsent_emails(rt) == 0, what="outbox drained")
    _sweep(rt)
    for fam in families:
        assert len(mail.to(fam.email)) == 1


def _failed_sends(rt):
    with writing(rt) as session:
        return session.scalar(
            select(func.count())
            .select_from(OutboxEmail)
            .where(OutboxEmail.last_error.is_not(None), OutboxEmail.sent_at.is_(None))
        )


def test_an_email_the_server_refuses_for_good_is_given_up_and_shown_to_operators(client, rt, mail):
    from usecases.pipeline_health import failing_emails

    # Given a registration whose address the mail server refuses (550 no such user)
    r = client.post("/api/v1/accounts", json=flow.registration("nobody-here@example.com"))
    assert r.status_code == 201
    # Then the outbox gives the email up instead of trying it forever
    flow.wait_for(lambda: _given_up(rt) == 1, what="the email given up")
    with writing(rt) as session:
        session.execute(update(OutboxEmail).values(next_try_at=OutboxEmail.created_at))
    assert _sweep(rt).emails_due == 0
    # and operators see it, with the server's answer
    with rt.db.session() as session:
        count, listed = failing_emails(session, now=utcnow())
    assert count == 1
    assert listed[0]["given_up_at"] is not None
    assert "550" in listed[0]["last_error"]


def _given_up(rt):
    with writing(rt) as session:
        query = (
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.failed_at.is_not(None))
        )
        return session.scalar(query)


def test_expired_claims_go_back_to_the_queue(client, rt, mail):
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    other = flow.staff(rt, "o@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam).json()["id"]
    flow.wait_status(client, fam, app_id, {"awaiting_review"})
    client.post(f"/review/v1/items/{app_id}/claim", headers=reviewer)
    with writing(rt) as session:
        session.execute(update(Submission).values(lease_expires_at=utcnow() - timedelta(seconds=1)))
    assert _sweep(rt).expired_leases == 1
    # The family's history and the audit log follow the item back to the queue
    attempt = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
    assert attempt["attempts"][-1]["status"] == "awaiting_review"
    with writing(rt) as session:
        assert session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "lease_expired"))
    assert client.post(f"/review/v1/items/{app_id}/claim", headers=other).status_code == 200


def test_readyz_reports_each_part(client):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["database"] == "ok"
    assert r.json()["broker"].startswith("ok")
