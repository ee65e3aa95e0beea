"""The broker as the use cases see it (`usecases.runtime.Queues`): wake-ups, a ping, and the
dead letters."""

import logging
from typing import Any

import dramatiq
from dramatiq.common import dq_name

from workers.actors import Actors
from workers.dead_letters import dead_letters

log = logging.getLogger(__name__)


class BrokerQueues:
    def __init__(self, broker: dramatiq.Broker, actors: Actors) -> None:
        self.broker = broker
        self.actors = actors

    def wake_check(self, attempt_id: str) -> bool:
        return self._wake(self.actors.check_attempt, attempt_id)

    def wake_ocr(self, attempt_id: str, *, post: bool = False) -> bool:
        return self._wake(self.actors.post_ocr if post else self.actors.prefill_attempt, attempt_id)

    def wake_email(self, outbox_id: str) -> bool:
        return self._wake(self.actors.send_email, outbox_id)

    def ping(self) -> str:
        client = getattr(self.broker, "client", None)
        if client is None:
            return "ok (in-process)"
        try:
            client.ping()
        except Exception as exc:
            return f"down: {type(exc).__name__}"
        return "ok"

    def dead_letters(self) -> dict[str, Any] | None:
        return dead_letters(self.broker)

    def depths(self) -> dict[str, int]:
        """Messages waiting per queue, delayed retries included (GET /metrics). Raises when
        the broker is down: the scrape then shows no depth rather than a wrong one."""
        depths = {}
        for name in self.broker.get_declared_queues():
            if name.endswith(".DQ") or name.endswith(".XQ"):
                continue
            depths[name] = sum(self._waiting(q) for q in (name, dq_name(name)))
        return depths

    def _waiting(self, queue_name: str) -> int:
        client = getattr(self.broker, "client", None)
        if client is None:  # the in-process broker: a Python queue per name
            queue = getattr(self.broker, "queues", {}).get(queue_name)
            return queue.qsize() if queue is not None else 0
        namespace = getattr(self.broker, "namespace", "dramatiq")
        return int(client.llen(f"{namespace}:{queue_name}"))

    def _wake(self, actor: dramatiq.Actor, record_id: str) -> bool:  # type: ignore[type-arg]
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
