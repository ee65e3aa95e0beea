"""dramatiq actors: thin. They load, call the domain, save; all of them safe to run twice."""

import logging
from datetime import timedelta

import dramatiq

from familybook.runtime import get_runtime
from moderation.statuses import Status
from workers import checking, mailer, ocr
from workers.broker import broker

log = logging.getLogger(__name__)

#: The check stage is quick; a hostile file is bounded by the checks' own limits.
CHECK_TIME_LIMIT_MS = 5 * 60_000
MAIL_TIME_LIMIT_MS = 2 * 60_000
#: Up to 8 documents share one OCR budget (each file gets what is left of it); the limit is that
#: budget plus time to load pages and save, so that it never cuts a file short itself.
OCR_TIME_LIMIT_MS = int(ocr.OCR_TIME_LIMIT_S * 1000)


@dramatiq.actor(queue_name="checks", time_limit=CHECK_TIME_LIMIT_MS, broker=broker)
def check_attempt(attempt_id: str) -> None:
    rt = get_runtime()
    # A check under way is left alone until it looks abandoned (the sweeper's threshold).
    busy_for = timedelta(seconds=rt.settings.sweep_stuck_after_s)
    if checking.check_attempt(rt, attempt_id, take_over_after=busy_for) == Status.AWAITING_REVIEW:
        wake_ocr(attempt_id)


@dramatiq.actor(queue_name="ocr", time_limit=OCR_TIME_LIMIT_MS, max_retries=2, broker=broker)
def prefill_attempt(attempt_id: str) -> None:
    # The item is already in the review queue: OCR only adds the pre-filled comparison.
    ocr.run_ocr(get_runtime(), attempt_id)


@dramatiq.actor(queue_name="mail", time_limit=MAIL_TIME_LIMIT_MS, broker=broker)
def send_email(outbox_id: str) -> None:
    mailer.send_outbox_email(get_runtime(), outbox_id)


def _wake(actor: dramatiq.Actor, record_id: str) -> bool:
    """Send a wake-up after the commit. If the broker is down the work is not lost: the
    database holds it and the sweeper re-sends it, so the caller's answer stands."""
    try:
        actor.send(record_id)
    except Exception:  # redis errors, connection refused…: all mean "later"
        log.warning(
            "broker unreachable; %s(%s) left to the sweeper",
            actor.actor_name,
            record_id,
            exc_info=True,
        )
        return False
    return True


def wake_check(attempt_id: str) -> bool:
    return _wake(check_attempt, attempt_id)


def wake_email(outbox_id: str) -> bool:
    return _wake(send_email, outbox_id)


def wake_ocr(attempt_id: str) -> bool:
    return _wake(prefill_attempt, attempt_id)
