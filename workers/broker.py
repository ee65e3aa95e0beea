"""The dramatiq broker, built from the settings when the app or a command asks for it (never on
import): Redis in production, in-process otherwise.

Settings made explicit (PITFALLS.md explains each):
- Messages are acknowledged only after the actor returns (dramatiq's default), so a worker
  killed mid-task leaves its message to be re-delivered; the sweeper re-sends from the database
  sooner than dramatiq's own maintenance would.
- Retries: few and short. A failing message that lives for weeks (dramatiq's default of 20
  retries up to 7 days) helps nobody; the database-driven sweeper is our long-term retry.
  Errors that are final (`moderation.errors.Refused`) are declared per actor and never retried.
- Time limits per actor (below TimeLimit's 10-minute default); subprocesses get their own.
- Dead letters stay in Redis for 7 days (`familybook stuck` lists them).
"""

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from core.settings import Settings

#: Retries per message before it goes to the dead-letter queue.
MAX_RETRIES = 5
#: Backoff between retries, milliseconds (doubling from min to max).
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 60_000
#: Default time limit of an actor, milliseconds.
DEFAULT_TIME_LIMIT_MS = 5 * 60_000
#: A Redis worker whose heartbeat is older than this has its messages requeued.
HEARTBEAT_TIMEOUT_MS = 30_000
#: Dead letters kept this long in Redis.
DEAD_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000
#: Namespace of our keys in Redis.
NAMESPACE = "familybook"
#: redis-py retries a failed command 10 times by default (about 4 s against a closed port):
#: a family's upload would wait that long for a wake-up the sweeper re-sends anyway. Twice,
#: briefly, is enough to ride over a blip.
REDIS_RETRIES = 2
REDIS_CONNECT_TIMEOUT_S = 2
#: No command of ours blocks on the server (dramatiq polls with Lua scripts).
REDIS_SOCKET_TIMEOUT_S = 10

#: `post_ocr`: a post's photo-text OCR (about a second), apart from applications' document OCR
#: (seconds a file) so that a backlog of applications never holds posts back (issue 13).
QUEUES = ("checks", "ocr", "post_ocr", "mail")


def _middleware() -> list[dramatiq.Middleware]:
    return [
        AgeLimit(),
        TimeLimit(time_limit=DEFAULT_TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS),
    ]


def make_broker(settings: Settings) -> dramatiq.Broker:
    if settings.redis_url:
        client = redis.Redis.from_url(
            settings.redis_url,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), REDIS_RETRIES),
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
            socket_timeout=REDIS_SOCKET_TIMEOUT_S,
        )
        return RedisBroker(
            client=client,
            middleware=_middleware(),
            heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
            dead_message_ttl=DEAD_MESSAGE_TTL_MS,
            namespace=NAMESPACE,
        )
    return StubBroker(middleware=_middleware())
