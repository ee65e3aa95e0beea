"""Keyset pagination: a page is "the next `limit` rows after this (sort key, id)", never an
OFFSET (which reads and throws away every row before the page, and skips or repeats rows when
others are inserted meanwhile).

A list is ordered by (sort key, id); the id breaks ties, so the order is total and a position
is exact. The row-value comparison `(key, id) > (:key, :id)` is what PostgreSQL answers with
one range scan of an index on (…, key, id); SQLite (3.15+) understands it too.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, literal, tuple_
from sqlalchemy.sql.elements import ColumnElement

Row = TypeVar("Row")
#: What a sort key can be: the cursor carries it as JSON.
KeyValue = datetime | int | str


@dataclass(frozen=True)
class Keyset:
    """A position in a list ordered by (sort key, id): the last row of the page before."""

    key: KeyValue
    id: str


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    #: Where the next page starts; None on the last page.
    next: Keyset | None


def keyset_query(
    query: Select[Any],
    key: ColumnElement[Any],
    id_: ColumnElement[Any],
    *,
    after: Keyset | None,
    limit: int,
    descending: bool = False,
) -> Select[Any]:
    """`query` ordered by (key, id) from just after `after`, one row more than a page (the
    extra row only says whether a next page exists)."""
    if after is not None:
        position = tuple_(key, id_)
        # Bound with the columns' own types: a datetime is stored as the column stores it.
        bound = tuple_(literal(after.key, key.type), literal(after.id, id_.type))
        query = query.where(position < bound if descending else position > bound)
    order = (key.desc(), id_.desc()) if descending else (key.asc(), id_.asc())
    return query.order_by(*order).limit(limit + 1)


def cut(rows: Sequence[Row], limit: int, position_of: Callable[[Row], Keyset]) -> Page[Row]:
    """The page out of `keyset_query`'s rows: at most `limit`, and where the next starts."""
    page = list(rows[:limit])
    more = len(rows) > limit
    return Page(page, position_of(page[-1]) if more and page else None)
