"""The same document in another family's submission: the same bytes (SHA-256 of the original,
`ix_files_sha256`) or the same picture photographed again (a perceptual hash near it, found
through `phash_bands`, see `moderation.document_hash`). Borrowed ID cards show up this way.

The search runs once per file, when the checks store its hash (`remember_phash`), and what it
finds is kept both ways in `file_duplicates`: opening an item (and claim-next, which answers
the item) reads its links by index instead of searching again. Searching on every opening was
half of PostgreSQL's work for a claim: among 100,000 files, a hash shares a 16-bit slice with
about 24 others by chance, each fetched and compared.

Two families' copies checked at the same moment must still find each other: each search sees
only committed hashes, so the searches take a transaction lock one after the other
(`storage.locks.transaction_lock`); the later one sees the earlier one's hash.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, insert, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from moderation.document_hash import BANDS, bands, distance, is_near
from storage.locks import DUPLICATES_LOCK, transaction_lock
from storage.models import Attempt, FileDuplicate, PhashBand, StoredFile, Submission

#: Candidates compared per file at most: a picture that shares slices with thousands of
#: others (a blank page) must not make the check slow.
MAX_CANDIDATES = 200
#: Duplicates listed per item at most.
MAX_DUPLICATES = 50


class Match(StrEnum):
    EXACT = "exact"
    SIMILAR = "similar"


@dataclass(frozen=True)
class Duplicate:
    #: This item's file.
    file_id: str
    #: The other family's file, item and account.
    other_file_id: str
    item_id: str
    account_id: str
    match: Match


def remember_phash(session: Session, row: StoredFile, phash: str | None, *, owner: str) -> None:
    """Store a checked file's hash, its indexed slices, and its links to the same document in
    other families' submissions (`owner`: the file's account), both ways. A re-run of the
    checks replaces them all."""
    transaction_lock(session, DUPLICATES_LOCK)
    mine = or_(FileDuplicate.file_id == row.id, FileDuplicate.other_file_id == row.id)
    session.execute(delete(FileDuplicate).where(mine))
    session.execute(delete(PhashBand).where(PhashBand.file_id == row.id))
    row.phash = phash
    if phash is not None:
        session.add_all(PhashBand(band=n, value=v, file_id=row.id) for n, v in bands(phash))
        session.flush()
    links = [
        {"file_id": a, "other_file_id": b, "match": match, "distance": apart}
        for other, match, apart in _search(session, row.id, row.sha256, phash, owner)
        for a, b in ((row.id, other), (other, row.id))
    ]
    if links:
        session.execute(insert(FileDuplicate), links)


def duplicates_of(session: Session, attempt_id: str) -> list[Duplicate]:
    """The links of the attempt's files: per file the same bytes first, then the nearest
    pictures; at most `MAX_DUPLICATES`."""
    rows = session.execute(_LINKED, {"attempt_id": attempt_id, "limit": MAX_DUPLICATES})
    return [Duplicate(f, o, item, account, Match(m)) for f, o, item, account, m in rows]


def _search(
    session: Session, file_id: str, sha256: str, phash: str | None, owner: str
) -> list[tuple[str, Match, int]]:
    """(other file, match, differing bits) of other families' files equal or near to this
    one: both lookups in one statement."""
    params: dict[str, object] = {f"band{n}": None for n in range(BANDS)}
    if phash is not None:
        params.update((f"band{n}", v) for n, v in bands(phash))
    rows = session.execute(_BOTH, {**params, "sha256": sha256, "owner": owner}).all()
    found = {other: (Match.EXACT, 0) for match, other, _ in rows if match == Match.EXACT}
    for match, other, other_hash in rows:
        if match == Match.EXACT or other in found or other_hash is None or phash is None:
            continue
        if is_near(phash, other_hash):
            found[other] = (Match.SIMILAR, distance(phash, other_hash))
    return [(other, match, apart) for other, (match, apart) in found.items() if other != file_id]


def _other_families(match: Match) -> Select[Any]:
    return (
        select(literal(match.value).label("match"), StoredFile.id, StoredFile.phash)
        .join(Attempt, Attempt.id == StoredFile.attempt_id)
        .join(Submission, Submission.id == Attempt.submission_id)
        .where(Submission.account_id != bindparam("owner"))
    )


#: Built once, bound per file (building the sixteen slice conditions each time cost more CPU
#: than running the lookups). A file without a perceptual hash binds no slice: its near part
#: finds nothing.
_CANDIDATES = (
    select(PhashBand.file_id)
    .where(
        or_(
            *(
                and_(PhashBand.band == n, PhashBand.value == bindparam(f"band{n}"))
                for n in range(BANDS)
            )
        )
    )
    .distinct()
    .limit(MAX_CANDIDATES)
)
_EXACT = (
    _other_families(Match.EXACT)
    .where(StoredFile.sha256 == bindparam("sha256"))
    .limit(MAX_CANDIDATES)
    .subquery()
)
_NEAR = _other_families(Match.SIMILAR).where(StoredFile.id.in_(_CANDIDATES)).subquery()
_BOTH = union_all(select(_EXACT), select(_NEAR))

_MINE = aliased(StoredFile)
_THEIRS = aliased(StoredFile)
#: Built once, bound per item; short enough for the driver to prepare.
_LINKED = (
    select(
        FileDuplicate.file_id,
        FileDuplicate.other_file_id,
        Submission.id,
        Submission.account_id,
        FileDuplicate.match,
    )
    .join(_MINE, _MINE.id == FileDuplicate.file_id)
    .join(_THEIRS, _THEIRS.id == FileDuplicate.other_file_id)
    .join(Attempt, Attempt.id == _THEIRS.attempt_id)
    .join(Submission, Submission.id == Attempt.submission_id)
    .where(_MINE.attempt_id == bindparam("attempt_id"))
    .order_by(
        FileDuplicate.file_id,
        FileDuplicate.distance,
        FileDuplicate.match,
        FileDuplicate.other_file_id,
    )
    .limit(bindparam("limit"))
)
