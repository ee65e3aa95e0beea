"""dramatiq actors: thin. They load, call the domain, save; all of them safe to run twice."""

import dramatiq

from familybook.runtime import get_runtime
from workers import checking, mailer
from workers.broker import broker

#: The check stage is quick; a hostile file is bounded by the checks' own limits.
CHECK_TIME_LIMIT_MS = 5 * 60_000
MAIL_TIME_LIMIT_MS = 2 * 60_000


@dramatiq.actor(queue_name="checks", time_limit=CHECK_TIME_LIMIT_MS, broker=broker)
def check_attempt(attempt_id: str) -> None:
    checking.check_attempt(get_runtime(), attempt_id)


@dramatiq.actor(queue_name="mail", time_limit=MAIL_TIME_LIMIT_MS, broker=broker)
def send_email(outbox_id: str) -> None:
    mailer.send_outbox_email(get_runtime(), outbox_id)


def wake_check(attempt_id: str) -> None:
    check_attempt.send(attempt_id)


def wake_email(outbox_id: str) -> None:
    send_email.send(outbox_id)
