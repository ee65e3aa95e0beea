"""Log lines for people or for a log collector (issue 13, API.md: Operations).

`FAMILYBOOK_LOG_FORMAT=json` writes one JSON object a line: time, level, logger, message, and
what the current request or job is (`request_id`; `submission_id`, `attempt_id` in workers),
plus the fields a call passes in `extra` (route, status, duration_ms…). The context lives in
context variables, so a line logged deep inside a use case still carries its request's id.

Never log personal data: names, national IDs, emails, phone numbers, tokens. Lines name records
by their ids; the access log names the route template, never the path or the query string.
"""

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The request or job being served, for every line logged while it is.
CONTEXT: ContextVar[dict[str, str] | None] = ContextVar("familybook_log_context", default=None)
#: Fields a call may pass in `extra=` that the JSON line carries as its own keys.
EXTRA_FIELDS = ("route", "method", "status", "duration_ms", "queue", "actor", "outcome")
#: LogRecord's own attributes (anything else on a record came from `extra=`).
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


@contextmanager
def log_context(**values: str) -> Iterator[None]:
    """Add `values` to every line logged inside the block (nested blocks add to it)."""
    token = CONTEXT.set({**(CONTEXT.get() or {}), **values})
    try:
        yield
    finally:
        CONTEXT.reset(token)


def bind(**values: str) -> None:
    """Add to the current context until its block ends (e.g. the submission once it is
    loaded); outside any block this does nothing."""
    current = CONTEXT.get()
    if current is not None:
        current.update(values)


def current(key: str) -> str | None:
    return (CONTEXT.get() or {}).get(key)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **(CONTEXT.get() or {}),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The human format, with the request or job context at the end of the line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = {**(CONTEXT.get() or {})}
        context.update({k: v for k, v in vars(record).items() if k in EXTRA_FIELDS})
        if not context:
            return text
        return text + " " + " ".join(f"{k}={v}" for k, v in context.items())


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is now (a test's capture is replaced after each test;
    a handler holding the old one would write to a closed file)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """One handler on the root logger, to stderr, in the chosen format; uvicorn's own loggers
    go through it too (its access log is off: ours names route templates, not paths)."""
    handler = _CurrentStderr()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a page of noise
