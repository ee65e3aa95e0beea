"""Dates and times as the families and institutions live them: Taiwan time (UTC+8).

The database keeps UTC; what a person reads (an email, a refusal's "until") and what counts as
"today" for an age or a restriction are Taiwan's.
"""

import calendar
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


def add_months_taiwan(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months later in Taiwan, the day kept or, if
    the month is shorter, its last day (31 January + 1 month = 28 or 29 February)."""
    local = moment.astimezone(TAIWAN)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)
