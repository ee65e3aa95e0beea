"""A worker process killed with SIGKILL in the middle of a check: a new worker finishes it."""

from sqlalchemy import func, select

from moderation.statuses import Status
from storage.models import Attempt, CheckResult, PrefillField, StoredFile
from tests.conftest import MAIL
from tests.faults.conftest import REAL_PROCESSES, check_rows, slow_application_files, statuses
from tests.faults.procs import wait_until
from tests.support import files, flow
from tests.support.db import writing

pytestmark = REAL_PROCESSES


def test_a_worker_killed_mid_check_is_finished_by_a_new_worker_and_stored_once(client, rt, procs):
    flow.institution(rt)
    first = procs.worker(threads=1)
    fam = flow.family(client, MAIL, "a@example.com")
    r = flow.apply(client, fam, files_=slow_application_files())
    assert r.status_code == 202, r.text
    app_id = r.json()["id"]
    # Given a worker in the middle of checking the submission
    wait_until(lambda: statuses(rt, [app_id])[app_id] == Status.CHECKING, 20, "checking")
    # When it is killed without any chance to clean up
    procs.kill(first)
    assert statuses(rt, [app_id])[app_id] == Status.CHECKING, "the check ended before the kill"
    assert check_rows(rt) == (0, 0)
    # Then a new worker (its sweeper) finishes the submission
    procs.worker(threads=1)
    wait_until(
        lambda: statuses(rt, [app_id])[app_id] == Status.AWAITING_REVIEW, 40, "awaiting_review"
    )
    # And its results are stored once: one row per (file, check), files stored once
    total, distinct = check_rows(rt)
    assert total == distinct > 0
    with writing(rt) as session:
        attempt = session.scalar(select(Attempt).where(Attempt.submission_id == app_id))
        assert attempt is not None and attempt.checked_at is not None
        files = session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt.id)).all()
        per_file = session.execute(
            select(CheckResult.file_key, func.count()).group_by(CheckResult.file_key)
        ).all()
    assert len(files) == 3 and all(f.sanitized_key for f in files)
    referenced = {k for f in files for k in (f.storage_key, f.sanitized_key, f.preview_key) if k}
    stored = set(rt.files.stored_keys())
    assert stored == referenced, "a file left behind or stored twice by the killed run"
    assert {key for key, _ in per_file} >= {f.id for f in files}


def _ocr_state(rt, app_id):
    """(tries, done, files with fields saved, rows, distinct (file, field) among them)."""
    with writing(rt) as session:
        attempt = session.scalar(select(Attempt).where(Attempt.submission_id == app_id))
        if attempt is None:
            return 0, False, 0, 0, 0
        rows = session.execute(
            select(PrefillField.file_id, PrefillField.field).where(
                PrefillField.attempt_id == attempt.id
            )
        ).all()
        return (
            attempt.ocr_tries,
            attempt.ocr_done_at is not None,
            len({f for f, _ in rows}),
            len(rows),
            len(set(rows)),
        )


def test_an_ocr_worker_killed_mid_document_is_finished_by_a_new_one_and_stored_once(
    client, rt, procs, tmp_path
):
    from tests.test_ocr_prefill import _register_pdf

    flow.institution(rt)
    procs.worker(threads=1)  # the checks
    first_ocr = procs.worker(threads=1, queues="ocr")
    fam = flow.family(client, MAIL, "a@example.com", n=7)
    register = _register_pdf(fam.national_id, tmp_path)
    card = files.id_card_jpeg(national_id=fam.national_id)
    parts = [("identity_documents", ("id.jpg", card, "image/jpeg"))] + [
        ("relationship_documents", (f"戶籍謄本{i}.pdf", register, "application/pdf"))
        for i in range(4)
    ]
    app_id = flow.apply(client, fam, relationship="child", files_=parts).json()["id"]
    # Given an OCR worker part-way through the five documents
    wait_until(lambda: _ocr_state(rt, app_id)[2] >= 1, 90, "OCR to read a first document")
    # When it is killed without any chance to clean up
    procs.kill(first_ocr)
    tries, done, read, _, _ = _ocr_state(rt, app_id)
    assert not done and read < 5, "the OCR ended before the kill"
    # Then a new OCR worker takes the abandoned claim over and reads the rest
    procs.worker(threads=1, queues="ocr")
    wait_until(lambda: _ocr_state(rt, app_id)[1], 120, "OCR to finish")
    tries, done, read, rows, distinct = _ocr_state(rt, app_id)
    assert tries == 2  # the killed try and the one that finished
    assert read == 5 and rows == distinct  # every document once: nothing lost, nothing twice
    with writing(rt) as session:
        flags = session.scalar(select(Attempt.flags).where(Attempt.submission_id == app_id))
    assert [f["code"] for f in flags].count("ocr_summary") == 1
