"""Queues that keep their promises (issue 13): a post's photo-text OCR is not held behind a
backlog of applications' document OCR; one sweeper at a time however many workers run."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from moderation.kinds import SubmissionKind
from storage.models import Attempt, OutboxEmail, Submission
from tests.conftest import BACKEND, WORKER_POLL_MS
from tests.support import flow
from tests.support.db import writing


def _ocr_done(rt, kind: SubmissionKind) -> list[bool]:
    with writing(rt) as session:
        rows = session.scalars(
            select(Attempt.ocr_done_at)
            .join(Submission, Submission.id == Attempt.submission_id)
            .where(Submission.kind == kind)
        ).all()
    return [done is not None for done in rows]


@pytest.mark.slow
def test_a_posts_photo_ocr_runs_while_application_ocr_is_backlogged(client, rt, mail, workers):
    from workers.runner import WorkerPool

    # Given two checked applications whose document OCR waits (no OCR worker yet)
    flow.institution(rt, "TTD", max_child_age=30)  # 7378's child is grown up
    for n, callsign in enumerate(("7375", "7376"), start=1):
        fam = flow.family(client, mail, f"applicant{n}@example.com", n=n)
        app_id = flow.apply(client, fam, callsign=callsign).json()["id"]
        flow.wait_status(client, fam, app_id, {"awaiting_review"})
    # and a served family's post, checked too
    fam, service = flow.served_family(client, mail, "poster@example.com", n=9, callsign="7378")
    post_id = flow.post(client, fam, service).json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    # When one OCR worker thread takes both queues
    pool = WorkerPool(
        rt, threads=1, queues=("ocr", "post_ocr"), sweeper=False, poll_ms=WORKER_POLL_MS
    )
    pool.start()
    try:
        flow.wait_for(lambda: all(_ocr_done(rt, SubmissionKind.POST)), 60, "the post's OCR")
        # Then the post did not wait for the backlog: at most the application already running
        assert sum(_ocr_done(rt, SubmissionKind.APPLICATION)) <= 1
    finally:
        pool.stop()


@pytest.mark.skipif(BACKEND != "production", reason="SQLite has one writer: one sweeper anyway")
def test_two_sweepers_on_postgresql_sweep_one_at_a_time(rt):
    from storage.locks import SWEEPER_LOCK, try_transaction_lock
    from usecases.sweeping import sweep

    # Given an email due, and one sweeper in the middle of its sweep (its lock held)
    with writing(rt) as session:
        session.add(
            OutboxEmail(message_id="<m1@test>", to_addr="a@b.example", subject="s", body="b")
        )
    with rt.db.session() as first:
        assert try_transaction_lock(first, SWEEPER_LOCK)
        # When a second sweeper's turn comes, it skips it
        assert sweep(rt, stuck_after=timedelta(0)).skipped
    # Then once the first has finished, the next turn sweeps
    result = sweep(rt, stuck_after=timedelta(0))
    assert not result.skipped and result.emails_due == 1


def test_a_running_worker_beats_and_the_healthcheck_sees_it_until_it_stops(rt, capsys):
    from familybook.cli import main
    from workers.runner import WorkerPool

    pool = WorkerPool(
        rt, threads=1, queues=("mail",), sweeper=False, poll_ms=WORKER_POLL_MS, heartbeat=True
    )
    pool.start()
    try:
        flow.wait_for(lambda: _exit_code(main, ["workers", "--check-alive", "60"]) == 0, 10)
        main(["workers"])
        assert "mail" in capsys.readouterr().out
    finally:
        pool.stop()
    assert _exit_code(main, ["workers", "--check-alive", "60"]) == 1


def _exit_code(main, argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return int(exit_.value.code or 0)
