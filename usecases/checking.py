"""Run the check stage for one attempt: load, call the domain, save. Safe to run twice.

An attempt that passes is in the review queue at once; its OCR pre-fill is woken then.
"""

import logging
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.logs import bind
from core.metrics import CHECK_STAGE_SECONDS
from moderation import emails
from moderation.checks.base import CheckContext, CheckReport, FileFacts, FileUnderCheck
from moderation.checks.isolation import run_checks_isolated
from moderation.errors import Conflict
from moderation.file_rules import FileCategory, rules_for
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.statuses import Status
from storage import transitions
from storage.duplicates import remember_phash
from storage.models import (
    Account,
    Attempt,
    CheckResult,
    Institution,
    StoredFile,
    Submission,
    utcnow,
)
from storage.outbox import queue_email
from usecases.runtime import Runtime
from usecases.transaction import transaction

log = logging.getLogger(__name__)

#: All files of one attempt, below the actor's 5-minute time limit.
CHECK_TOTAL_TIMEOUT_S = 240


def _current(session: Session, attempt_id: str) -> tuple[Attempt, Submission] | None:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        return None
    submission = session.get(Submission, attempt.submission_id)
    if submission is None or submission.attempt != attempt.number:
        return None  # a newer attempt replaced this one
    return attempt, submission


def start_checking(
    rt: Runtime, attempt_id: str, *, take_over_after: timedelta | None = None
) -> bool:
    """received → checking. True when this run should check: the submission was received, or
    it is `checking` and nobody has touched it for `take_over_after` (its worker presumably
    died; None: at once). A take-over is a compare-and-set on the timestamp, so of several
    re-sent messages one takes over and the others stand down while the check runs."""
    with transaction(rt) as work:
        session = work.session
        found = _current(session, attempt_id)
        if found is None:
            return False
        _, submission = found
        if submission.status == Status.RECEIVED:
            transitions.move(session, submission, Status.CHECKING)
            return True
        if submission.status != Status.CHECKING:
            return False
        now = utcnow()
        stale_before = now - (take_over_after or timedelta(0))
        if take_over_after is not None and submission.status_changed_at >= stale_before:
            return False  # being checked right now by another worker
        taken = session.execute(
            update(Submission)
            .where(
                Submission.id == submission.id,
                Submission.status == Status.CHECKING,
                Submission.version == submission.version,
                Submission.status_changed_at == submission.status_changed_at,
            )
            .values(status_changed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        return bool(taken == 1)


def check_attempt(
    rt: Runtime, attempt_id: str, *, take_over_after: timedelta | None = None
) -> Status | None:
    """Check one attempt and save the outcome once. A duplicate message (re-sent by the
    sweeper, re-delivered by dramatiq) while another run is under way does nothing when
    `take_over_after` is given (the actor passes the sweep threshold)."""
    try:
        if not start_checking(rt, attempt_id, take_over_after=take_over_after):
            return None
    except Conflict:
        return None  # another worker moved it to checking first and is checking it
    with transaction(rt) as work:
        session = work.session
        found = _current(session, attempt_id)
        if found is None:
            return None
        _, submission = found
        bind(submission_id=submission.id)
        institution = session.get(Institution, submission.institution_id)
        assert institution is not None
        policy = Policy.from_json(institution.policy)
        files = session.scalars(select(StoredFile).where(StoredFile.attempt_id == attempt_id)).all()
        stored = [(f.id, f.category, f.storage_key, f.size, f.original_name) for f in files]
        rules = rules_for(SubmissionKind(submission.kind), policy)
    # The checks read plaintext working copies, decrypted outside any transaction.
    with tempfile.TemporaryDirectory(prefix="fb-check-") as work, ExitStack() as copies:
        to_check = [
            FileUnderCheck(
                file_id,
                FileCategory(category),
                copies.enter_context(rt.files.working_copy(key)),
                size,
                name,
            )
            for file_id, category, key, size, name in stored
        ]
        # Decoding and rendering run in a child process under time and memory limits: a
        # hostile file ends as a verdict, never as a dead worker or a lost message.
        started = time.perf_counter()
        # No OCR renders: the OCR stage reads the stored documents, not the check's work dir.
        ctx = CheckContext(policy, rules, Path(work), ocr_renders=False)
        report = run_checks_isolated(to_check, ctx, total_timeout_s=CHECK_TOTAL_TIMEOUT_S)
        _observe(report, time.perf_counter() - started)
        outcome = _save(rt, attempt_id, report)
        log.info("checks done: %s", outcome, extra={"outcome": str(outcome)})
        return outcome


def _observe(report: CheckReport, total_s: float) -> None:
    """Stage times measured in the check child, recorded in this (the worker's) process."""
    CHECK_STAGE_SECONDS.labels("attempt").observe(total_s)
    for facts in report.facts.values():
        for stage, seconds in facts.stage_seconds.items():
            CHECK_STAGE_SECONDS.labels(stage).observe(seconds)


def _save(rt: Runtime, attempt_id: str, report: CheckReport) -> Status | None:
    stored: list[str] = []  # new copies: deleted again if this save does not commit
    replaced: list[str] = []  # copies a re-run replaces: deleted once this save commits
    try:
        with transaction(rt) as work:
            found = _current(work.session, attempt_id)
            if found is None or found[1].status != Status.CHECKING:
                return None  # someone else finished it
            attempt, submission = found
            _record_outcomes(work.session, attempt_id, report)
            for file_id, facts in report.facts.items():
                row = work.session.get(StoredFile, file_id)
                assert row is not None
                replaced += _record_facts(rt, row, facts, report.passed, stored)
                remember_phash(work.session, row, facts.phash, owner=submission.account_id)
            outcome = _verdict(attempt, report)
            transitions.move(work.session, submission, outcome)
            if outcome == Status.AWAITING_REVIEW:
                work.wake_ocr(attempt_id, post=submission.kind == SubmissionKind.POST)
            else:
                work.wake_email(_needs_fix_email(work.session, submission, attempt))
    except Conflict:
        _delete(rt, stored)
        log.info("attempt %s was finished by another worker", attempt_id)
        return None
    except BaseException:
        _delete(rt, stored)
        raise
    _delete(rt, replaced)
    return outcome


def _record_outcomes(session: Session, attempt_id: str, report: CheckReport) -> None:
    """One row per (file, check), replacing an earlier run's."""
    session.execute(delete(CheckResult).where(CheckResult.attempt_id == attempt_id))
    session.add_all(
        CheckResult(
            attempt_id=attempt_id,
            file_id=o.file_id,
            file_key=o.file_id or "-",
            code=o.code,
            ok=o.ok,
            message=o.message,
            message_en=o.message_en,
        )
        for o in report.outcomes
    )


def _record_facts(
    rt: Runtime, row: StoredFile, facts: FileFacts, passed: bool, stored: list[str]
) -> list[str]:
    """What the checks found of one file; its clean copies kept only when every check passed.
    Returns the keys of the copies an earlier run left, to delete once this one commits."""
    row.detected_type = facts.detected_type
    row.width, row.height, row.pages = facts.width, facts.height, facts.pages
    replaced = [k for k in (row.sanitized_key, row.preview_key) if k]
    row.sanitized_key = row.sanitized_type = row.preview_key = None
    if facts.sanitized_path is not None and passed:
        row.sanitized_key = rt.files.put_file(facts.sanitized_path).key
        row.sanitized_type = facts.sanitized_type
        stored.append(row.sanitized_key)
    if facts.preview_path is not None and passed:
        row.preview_key = rt.files.put_file(facts.preview_path).key
        stored.append(row.preview_key)
    return replaced


def _verdict(attempt: Attempt, report: CheckReport) -> Status:
    attempt.checked_at = utcnow()
    if report.passed:
        return Status.AWAITING_REVIEW
    attempt.reasons = [
        {"code": o.code, "message": o.message, "message_en": o.message_en} for o in report.failures
    ]
    return Status.NEEDS_FIX


def _needs_fix_email(session: Session, submission: Submission, attempt: Attempt) -> str:
    """待補件: the family is told what to fix (it never reaches a reviewer)."""
    account = session.get(Account, submission.account_id)
    institution = session.get(Institution, submission.institution_id)
    assert account is not None and institution is not None
    email = emails.needs_fix(
        to=account.email,
        kind=SubmissionKind(submission.kind),
        institution=institution.name,
        reasons=attempt.reasons,
    )
    return queue_email(session, email)


def _delete(rt: Runtime, keys: list[str]) -> None:
    for key in keys:
        rt.files.delete(key)
