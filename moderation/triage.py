"""What reviewers triage a queue by: the OCR's state, who holds an item, what a search means.

Plain rules; the queries that apply them are `storage.review_search`.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from moderation.flags import FlagCode


class OcrState(StrEnum):
    """Where the OCR of an item's current attempt stands (its flags may still change)."""

    #: Not started, or its worker stopped renewing the claim (the sweeper will send it again).
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    #: Tried its full number of times and stopped: compare the documents by eye.
    GAVE_UP = "gave_up"


def ocr_state(
    *,
    started_at: datetime | None,
    done_at: datetime | None,
    flags: list[dict[str, Any]] | None,
    stale_before: datetime,
) -> OcrState:
    """`stale_before`: a claim older than this is no longer anyone's (see the OCR claim)."""
    if done_at is not None:
        gave_up = any(f.get("code") == FlagCode.OCR_GAVE_UP for f in flags or [])
        return OcrState.GAVE_UP if gave_up else OcrState.DONE
    if started_at is not None and started_at >= stale_before:
        return OcrState.RUNNING
    return OcrState.PENDING


def stale_before(now: datetime, claim_stale_after_s: int) -> datetime:
    return now - timedelta(seconds=claim_stale_after_s)


class Claimed(StrEnum):
    """Whose claim an item is under, as the queue filters it."""

    MINE = "mine"
    UNCLAIMED = "unclaimed"
    OTHERS = "others"


class QueueSort(StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"


class SearchKind(StrEnum):
    ITEM_ID = "item_id"
    NATIONAL_ID = "national_id"
    CALLSIGN = "callsign"
    FAMILY_NAME = "family_name"


@dataclass(frozen=True)
class SearchTerm:
    kind: SearchKind
    value: str


_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_NATIONAL_ID = re.compile(r"[A-Za-z][1289]\d{8}")
_CALLSIGN = re.compile(r"\d{4}|\d{6}")
#: The longest search a reviewer types (a name, an id): longer is a paste gone wrong.
MAX_SEARCH_CHARS = 50


def search_term(q: str) -> SearchTerm | None:
    """What a reviewer's search `q` is, by its shape: an item's id (a UUID), a national ID
    (a letter and 9 digits: the residents' and the newer resident-certificate numbers), an
    inmate's callsign (4 or 6 digits), else the start of a family name. Each is an exact or
    prefix match on an index, never a scan. None for a blank search."""
    text = q.strip()
    if not text:
        return None
    if _UUID.fullmatch(text):
        return SearchTerm(SearchKind.ITEM_ID, text.lower())
    if _NATIONAL_ID.fullmatch(text):
        return SearchTerm(SearchKind.NATIONAL_ID, text.upper())
    if _CALLSIGN.fullmatch(text):
        return SearchTerm(SearchKind.CALLSIGN, text)
    return SearchTerm(SearchKind.FAMILY_NAME, text)
