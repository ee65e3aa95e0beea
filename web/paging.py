"""Paging of every list that grows, the same on both APIs (API.md, Version 1.1).

`?limit=` (default 50, at most 200) and `?cursor=`; the body stays the plain list it always
was, and the next page is announced in an RFC 8288 header, `Link: <…>; rel="next"`, absent
on the last page. The cursor is opaque to clients: base64url of where the page ended (the
last row's sort key and id, see `storage.paging`) and which ordering it belongs to, so a
cursor of one list or ordering is refused by another instead of silently misplacing the page.

A route takes `page: PageDep`, asks `page.after(ordering)` for the position to start from,
runs a `storage.paging.keyset_query` and hands the cut page to `link_next`.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from moderation.errors import InvalidInput, invalid_fields
from storage.paging import Keyset, KeyValue, Page

#: Rows on a page when the client does not say.
DEFAULT_LIMIT = 50
#: The most rows a page may hold: a reviewer's screen, not an export.
MAX_LIMIT = 200
#: Longer than any cursor we hand out (a UUID, a timestamp and an ordering's name).
MAX_CURSOR = 400


def bad_cursor() -> InvalidInput:
    return invalid_fields(
        {
            "cursor": (
                "分頁游標無效，請從第一頁重新開始。",
                "Invalid cursor; start again from the first page.",
            )
        }
    )


def encode_cursor(ordering: str, position: Keyset) -> str:
    key = position.key
    kind = "dt" if isinstance(key, datetime) else "int" if isinstance(key, int) else "str"
    raw = {"o": ordering, "t": kind, "k": key.isoformat() if isinstance(key, datetime) else key}
    raw["i"] = position.id
    text = json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(ordering: str, cursor: str, key_type: type = datetime) -> Keyset:
    """The position a cursor carries; 422 if it is not one we made for this ordering (whose
    sort key is a `key_type`)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(raw, dict) or raw.get("o") != ordering:
            raise ValueError(ordering)
        key = _key(raw.get("t"), raw.get("k"))
        if not isinstance(key, key_type):
            raise TypeError(key)
        return Keyset(key, _text(raw.get("i")))
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise bad_cursor() from None


def _key(kind: Any, value: Any) -> KeyValue:
    if kind == "dt":
        parsed = datetime.fromisoformat(_text(value))
        if parsed.tzinfo is None:
            raise ValueError("naive timestamp")
        return parsed
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "str":
        return _text(value)
    raise ValueError(kind)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_CURSOR:
        raise ValueError(value)
    return value


@dataclass(frozen=True)
class PageRequest:
    """What the client asked for: how many rows, and after which (opaque) position."""

    limit: int
    cursor: str | None

    def after(self, ordering: str, key_type: type = datetime) -> Keyset | None:
        """Where to start: None for the first page."""
        if self.cursor is None:
            return None
        return decode_cursor(ordering, self.cursor, key_type)


async def page_request(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"每頁筆數 rows per page (≤ {MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR,
            description='下一頁的游標：取自回應的 Link 標頭 (rel="next") the next page',
        ),
    ] = None,
) -> PageRequest:
    return PageRequest(limit, cursor)


PageDep = Annotated[PageRequest, Depends(page_request)]


def link_next(request: Request, response: Response, ordering: str, page: Page[Any]) -> None:
    """Announce the next page, if there is one, as the same request with a new cursor. The
    target is an absolute path (no host): right behind any proxy, resolved by every client
    against the URL it asked."""
    if page.next is None:
        return
    url = request.url.include_query_params(cursor=encode_cursor(ordering, page.next))
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
