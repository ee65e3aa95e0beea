"""dramatiq's dead letters on Redis, for operators (`familybook stuck`, the review stats).

RedisBroker keeps them in the sorted set `{namespace}:{queue}.XQ` (score: when dead-lettered,
in ms) and their bodies in the hash `{namespace}:{queue}.XQ.msgs`, for `dead_message_ttl` (7
days here); delayed messages (`{queue}.DQ`) are dead-lettered into the same `{queue}.XQ`
(dramatiq `brokers/redis/dispatch.lua`).
"""

import json
from datetime import UTC, datetime
from typing import Any

import dramatiq

from workers.broker import QUEUES

#: At most this many messages of each queue are listed (the counts are always complete).
LIST_LIMIT = 50


def dead_letters(broker: dramatiq.Broker) -> dict[str, Any] | None:
    """Dead letters per queue on Redis; None on the in-process broker (it keeps none)."""
    client = getattr(broker, "client", None)
    namespace = getattr(broker, "namespace", None)
    if client is None or namespace is None:
        return None
    queues = sorted(set(QUEUES) | set(broker.get_declared_queues()))
    out: dict[str, Any] = {}
    try:
        for queue in queues:
            key = f"{namespace}:{queue}.XQ"
            count = int(client.zcard(key))
            entries = client.zrange(key, 0, LIST_LIMIT - 1, withscores=True) if count else []
            bodies = client.hmget(f"{key}.msgs", [m for m, _ in entries]) if entries else []
            messages = [
                dead_message(message_id, score, body)
                for (message_id, score), body in zip(entries, bodies, strict=True)
            ]
            out[queue] = {"count": count, "messages": messages}
    except Exception as exc:  # Redis down: say so, the rest of the report still helps
        return {"error": f"broker unreachable: {type(exc).__name__}"}
    return out


def dead_message(message_id: bytes | str, score: float, body: bytes | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "redis_message_id": message_id.decode() if isinstance(message_id, bytes) else message_id,
        "dead_at": datetime.fromtimestamp(score / 1000, UTC).isoformat(),
    }
    if body:
        try:
            data = json.loads(body)
            options = data.get("options") or {}
            lines = str(options.get("traceback") or "").strip().splitlines()
            entry.update(
                actor=data.get("actor_name"),
                args=data.get("args"),
                message_id=data.get("message_id"),
                retries=options.get("retries"),
                error=lines[-1] if lines else None,
            )
        except (ValueError, AttributeError):
            entry["undecodable"] = True
    return entry
