"""Dates and times in query strings, strictly ISO 8601. Pydantic's own parsing would also take
a number as a Unix timestamp (`?to=0.5`), which no client means and the schema does not say."""

from datetime import date, datetime
from typing import Any

from moderation.errors import invalid_fields
from moderation.taiwan_time import TAIWAN

DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
MOMENT_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
#: What the OpenAPI document says of them (the pattern is checked as well).
DAY_SCHEMA: dict[str, Any] = {"format": "date"}


def _bad(name: str) -> Exception:
    return invalid_fields(
        {name: ("日期格式請用 2026-03-10。", "Use an ISO 8601 date such as 2026-03-10.")}
    )


def parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _bad(name) from None


def parse_moment(value: str | None, name: str) -> datetime | None:
    """An aware moment; a date alone is its midnight, a time without a zone is Taiwan's."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(name) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TAIWAN)
