"""Dates and times as the families and institutions live them: Taiwan time (UTC+8).

The database keeps UTC; what a person reads (an email, a refusal's "until") and what counts as
"today" for an age or a restriction are Taiwan's.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TAIWAN = ZoneInfo("Asia/Taipei")


def taiwan_date(moment: datetime | None = None) -> date:
    """Today in Taiwan (or the Taiwan date of an aware moment)."""
    return (moment or datetime.now(UTC)).astimezone(TAIWAN).date()


def taiwan_time_zh(moment: datetime) -> str:
    """e.g. "2027-01-01 08:00（臺灣時間）", for the Chinese half of a message."""
    return f"{moment.astimezone(TAIWAN):%Y-%m-%d %H:%M}（臺灣時間）"


def taiwan_time_en(moment: datetime) -> str:
    """e.g. "2027-01-01 08:00 Taiwan time", for the English half."""
    return f"{moment.astimezone(TAIWAN):%Y-%m-%d %H:%M} Taiwan time"
