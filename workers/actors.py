"""dramatiq actors: thin. They call a use case, which loads, calls the domain and saves; all of
them safe to run twice. Declared on the broker the composition built, for the runtime it built.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import dramatiq

from core.logs import log_context
from moderation.errors import Refused
from usecases import checking, mailing, ocr_prefill
from usecases.runtime import Runtime
from workers.mail_transport import deliver

log = logging.getLogger(__name__)

#: The check stage is quick; a hostile file is bounded by the checks' own limits.
CHECK_TIME_LIMIT_MS = 5 * 60_000
MAIL_TIME_LIMIT_MS = 2 * 60_000
#: Up to 8 documents share one OCR budget (each file gets what is left of it); the limit is that
#: budget plus time to load pages and save, so that it never cuts a file short itself.
OCR_TIME_LIMIT_MS = int(ocr_prefill.OCR_TIME_LIMIT_S * 1000)
#: Final errors: the same message would meet them again, so it is not retried.
NEVER_RETRIED = (Refused,)


@dataclass(frozen=True)
class Actors:
    check_attempt: dramatiq.Actor  # type: ignore[type-arg]
    prefill_attempt: dramatiq.Actor  # type: ignore[type-arg]
    send_email: dramatiq.Actor  # type: ignore[type-arg]
    post_ocr: dramatiq.Actor  # type: ignore[type-arg]


def declare_actors(broker: dramatiq.Broker, rt: Runtime) -> Actors:
    def check_attempt(attempt_id: str) -> None:
        # A check under way is left alone until it looks abandoned (the sweeper's threshold).
        busy_for = timedelta(seconds=rt.settings.sweep_stuck_after_s)
        with log_context(actor="check_attempt", attempt_id=attempt_id):
            checking.check_attempt(rt, attempt_id, take_over_after=busy_for)

    def prefill_attempt(attempt_id: str) -> None:
        # The item is already in the review queue: OCR only adds the pre-filled comparison.
        with log_context(actor="prefill_attempt", attempt_id=attempt_id):
            ocr_prefill.run_ocr(rt, attempt_id)

    def post_photo_text(attempt_id: str) -> None:
        # The same use case: it reads a post's photos for text instead of documents.
        with log_context(actor="post_photo_text", attempt_id=attempt_id):
            ocr_prefill.run_ocr(rt, attempt_id)

    def send_email(outbox_id: str) -> None:
        with log_context(actor="send_email", outbox_id=outbox_id):
            mailing.send_outbox_email(rt, outbox_id, partial(deliver, rt.settings))

    actor = partial(dramatiq.actor, broker=broker, throws=NEVER_RETRIED)
    return Actors(
        check_attempt=actor(check_attempt, queue_name="checks", time_limit=CHECK_TIME_LIMIT_MS),
        prefill_attempt=actor(
            prefill_attempt, queue_name="ocr", time_limit=OCR_TIME_LIMIT_MS, max_retries=2
        ),
        send_email=actor(send_email, queue_name="mail", time_limit=MAIL_TIME_LIMIT_MS),
        post_ocr=actor(
            post_photo_text,
            actor_name="post_photo_text",
            queue_name="post_ocr",
            time_limit=OCR_TIME_LIMIT_MS,
            max_retries=2,
        ),
    )
