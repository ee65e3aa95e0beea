"""What operators look at when something seems stuck (`familybook stuck`, GET /review/v1/stats).

`stuck_report(rt)` gathers, from the database (the record) and the broker:
- submissions in `received`/`checking` for longer than the sweep threshold — the sweeper re-sends
  them every interval, so a long list here means the workers are down or keep failing;
- emails not sent yet that have failed at least once (`last_error`), or whose send started so
  long ago that its worker is presumed dead;
- dramatiq's dead letters per queue when the broker is Redis. RedisBroker keeps them in the
  sorted set `{namespace}:{queue}.XQ` (score: when dead-lettered, in ms) and their bodies in the
  hash `{namespace}:{queue}.XQ.msgs`, for `dead_message_ttl` (7 days here); delayed messages
  (`{queue}.DQ`) are dead-lettered into the same `{queue}.XQ` (dramatiq
  `brokers/redis/dispatch.lua`).

Everything is plain JSON-able data. Email addresses are masked: the report is for operators and
may be shown in the review API's stats.
"""

import json
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from familybook.runtime import Runtime
from moderation.statuses import Status
from storage.models import Institution, OutboxEmail, Submission, utcnow

#: At most this many rows of each kind are listed (the counts are always complete).
LIST_LIMIT = 50


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def stuck_submissions(
    rt: Runtime, *, now: datetime, institution_ids: Collection[str] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    threshold = now - timedelta(seconds=rt.settings.sweep_stuck_after_s)
    where = [
        Submission.status.in_([Status.RECEIVED, Status.CHECKING]),
        Submission.status_changed_at < threshold,
    ]
    if institution_ids is not None:
        where.append(Submission.institution_id.in_(list(institution_ids)))
    with rt.db.session() as session:
        rows = session.execute(
            select(Submission, Institution.code)
            .join(Institution, Institution.id == Submission.institution_id)
            .where(*where)
            .order_by(Submission.status_changed_at)
        ).all()
    listed = [
        {
            "id": s.id,
            "kind": s.kind,
            "institution": code,
            "status": s.status,
            "attempt": s.attempt,
            "status_changed_at": _iso(s.status_changed_at),
            "stuck_s": int((now - s.status_changed_at).total_seconds()),
        }
        for s, code in rows[:LIST_LIMIT]
    ]
    return len(rows), listed


def failing_emails(rt: Runtime, *, now: datetime) -> tuple[int, list[dict[str, Any]]]:
    from workers.mailer import SENDING_STALE_AFTER

    with rt.db.session() as session:
        rows = (
            session.execute(
                select(OutboxEmail)
                .where(
                    OutboxEmail.sent_at.is_(None),
                    or_(
                        OutboxEmail.last_error.is_not(None),
                        and_(
                            OutboxEmail.sending_since.is_not(None),
                            OutboxEmail.sending_since < now - SENDING_STALE_AFTER,
                        ),
                    ),
                )
                .order_by(OutboxEmail.created_at)
            )
            .scalars()
            .all()
        )
    listed = [
        {
            "id": e.id,
            "to": mask_email(e.to_addr),
            "tries": e.tries,
            "last_error": e.last_error,
            "created_at": _iso(e.created_at),
            "next_try_at": _iso(e.next_try_at),
            "sending_since": _iso(e.sending_since),
            "given_up_at": _iso(e.failed_at),
        }
        for e in rows[:LIST_LIMIT]
    ]
    return len(rows), listed


def dead_letters(broker: Any = None) -> dict[str, Any] | None:
    """Dead letters per queue on Redis; None on the in-process broker (it keeps none)."""
    if broker is None:
        from workers.broker import broker
    client = getattr(broker, "client", None)
    namespace = getattr(broker, "namespace", None)
    if client is None or namespace is None:
        return None
    from workers.broker import QUEUES

    queues = sorted(set(QUEUES) | set(broker.get_declared_queues()))
    out: dict[str, Any] = {}
    try:
        for queue in queues:
            key = f"{namespace}:{queue}.XQ"
            count = int(client.zcard(key))
            entries = client.zrange(key, 0, LIST_LIMIT - 1, withscores=True) if count else []
            bodies = client.hmget(f"{key}.msgs", [m for m, _ in entries]) if entries else []
            messages = []
            for (message_id, score), body in zip(entries, bodies, strict=True):
                messages.append(_dead_message(message_id, score, body))
            out[queue] = {"count": count, "messages": messages}
    except Exception as exc:  # Redis down: say so, the rest of the report still helps
        return {"error": f"broker unreachable: {type(exc).__name__}"}
    return out


def _dead_message(message_id: bytes | str, score: float, body: bytes | None) -> dict[str, Any]:
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


def stuck_report(
    rt: Runtime, *, broker: Any = None, institution_ids: Collection[str] | None = None
) -> dict[str, Any]:
    """Stuck and dead work, for operators. `institution_ids` limits the submissions listed
    (a reviewer's own institutions); emails and dead letters are system-wide."""
    now = utcnow()
    n_subs, subs = stuck_submissions(rt, now=now, institution_ids=institution_ids)
    n_mail, mails = failing_emails(rt, now=now)
    dead = dead_letters(broker)
    dead_total = (
        sum(q["count"] for q in dead.values() if isinstance(q, dict))
        if dead and "error" not in dead
        else 0
    )
    return {
        "generated_at": now.isoformat(),
        "stuck_after_s": rt.settings.sweep_stuck_after_s,
        "counts": {
            "stuck_submissions": n_subs,
            "failing_emails": n_mail,
            "dead_letters": dead_total,
        },
        "stuck_submissions": subs,
        "failing_emails": mails,
        "dead_letters": dead,
    }
