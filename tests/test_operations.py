"""Operators' commands (API.md: Operations): `familybook stuck` and its actions, backup and
restore verified by counting, run in-process on the backend's real database and broker."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from familybook.cli import main
from storage.models import Account, Inmate, OutboxEmail, Submission, utcnow
from tests.conftest import WORKER_POLL_MS, broker_of
from tests.support import flow
from tests.support.db import writing


def _stuck_application(client, rt) -> str:
    """An application whose check message was lost (Redis emptied) an hour ago."""
    flow.institution(rt)
    body = flow.registration("a@example.com")
    assert client.post("/api/v1/accounts", json=body).status_code == 201
    with writing(rt) as session:
        session.execute(update(Account).values(verified_at=utcnow()))
    r = client.post("/api/v1/sessions", json={"email": body["email"], "password": flow.PASSWORD})
    fam = flow.Family(body["email"], r.json()["token"], body["national_id"])
    app_id = flow.apply(client, fam).json()["id"]
    broker_of(rt).flush_all()
    with writing(rt) as session:
        session.execute(update(Submission).values(status_changed_at=utcnow() - timedelta(hours=1)))
    return app_id


def _status(rt, submission_id: str) -> str:
    with writing(rt) as session:
        return session.get(Submission, submission_id).status


def test_stuck_lists_a_table_and_requeue_sends_the_checks_again(client, rt, capsys):
    from workers.runner import WorkerPool

    app_id = _stuck_application(client, rt)
    main(["stuck"])
    out = capsys.readouterr().out
    assert "STUCK SUBMISSIONS" in out and app_id in out and "received" in out
    main(["stuck", "--requeue", app_id])
    assert "checks sent again" in capsys.readouterr().out
    pool = WorkerPool(rt, threads=1, queues=("checks",), sweeper=False, poll_ms=WORKER_POLL_MS)
    pool.start()
    try:
        flow.wait_for(lambda: _status(rt, app_id) == "awaiting_review", 30, "the requeued check")
    finally:
        pool.stop()


def test_stuck_json_then_retry_mail_and_give_up(rt, capsys):
    with writing(rt) as session:
        email = OutboxEmail(
            message_id="<x@t>", to_addr="who@example.com", subject="s", body="b", tries=30,
            failed_at=utcnow(), last_error="SMTPRecipientsRefused",
        )  # fmt: skip
        session.add(email)
    main(["stuck", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in report["failing_emails"]] == [email.id]
    main(["stuck", "--retry-mail", email.id])
    with writing(rt) as session:
        row = session.get(OutboxEmail, email.id)
        assert row.failed_at is None and row.tries == 0
    main(["stuck", "--give-up", email.id])
    with writing(rt) as session:
        assert session.get(OutboxEmail, email.id).failed_at is not None


def test_requeue_of_a_decided_submission_is_refused(client, rt, capsys):
    app_id = _stuck_application(client, rt)
    with writing(rt) as session:
        session.execute(update(Submission).values(status="needs_fix"))
    with pytest.raises(SystemExit) as exit_:
        main(["stuck", "--requeue", app_id])
    assert exit_.value.code == 2 and "needs_fix" in capsys.readouterr().err


def test_backup_then_restore_brings_back_every_row_and_file(rt, tmp_path, capsys):
    # Given records and files
    flow.institution(rt)
    source = tmp_path / "photo.bin"
    source.write_bytes(b"a stored document" * 100)
    key = rt.files.put_file(source).key
    main(["backup", str(tmp_path / "b")])
    assert "4 rows" not in capsys.readouterr().out  # inmates, institution, … all counted
    # When they are lost
    with writing(rt) as session:
        session.execute(delete(Inmate))
    rt.files.delete(key)
    # Then restore puts them back, verified by counting
    main(["restore", str(tmp_path / "b")])
    assert "verified" in capsys.readouterr().out
    with writing(rt) as session:
        assert session.scalar(select(func.count()).select_from(Inmate)) == 4
    assert rt.files.read_bytes(key) == source.read_bytes()  # decrypted: the store encrypts
