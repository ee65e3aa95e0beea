"""The same document in another family's submission: the same bytes (SHA-256 of the original,
`ix_files_sha256`) or the same picture photographed again (a perceptual hash near it, found
through `phash_bands`, see `moderation.document_hash`). Borrowed ID cards show up this way.

Both are index lookups; only the few candidates sharing a slice of the hash are compared.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import and_, bindparam, delete, or_, select
from sqlalchemy.orm import Session

from moderation.document_hash import BANDS, bands, distance, is_near
from storage.models import Attempt, PhashBand, StoredFile, Submission

#: Candidates compared per file at most: a picture that shares slices with thousands of
#: others (a blank page) must not make the item slow to open.
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


def remember_phash(session: Session, row: StoredFile, phash: str | None) -> None:
    """Store a checked file's hash and its indexed slices (a re-run of the checks replaces
    them)."""
    session.execute(delete(PhashBand).where(PhashBand.file_id == row.id))
    row.phash = phash
    if phash is not None:
        session.add_all(PhashBand(band=n, value=v, file_id=row.id) for n, v in bands(phash))


def duplicates_of(session: Session, files: list[StoredFile], account_id: str) -> list[Duplicate]:
    """Files of other families' submissions equal or near to `files`."""
    found: dict[tuple[str, str], Duplicate] = {}
    for f in files:
        for other_id, item_id, owner in _exact(session, f, account_id):
            found[(f.id, other_id)] = Duplicate(f.id, other_id, item_id, owner, Match.EXACT)
        if f.phash is None:
            continue
        for other_id, item_id, owner, other_hash in _near(session, f.phash, account_id):
            if (f.id, other_id) not in found and is_near(f.phash, other_hash):
                found[(f.id, other_id)] = Duplicate(f.id, other_id, item_id, owner, Match.SIMILAR)
    return list(found.values())[:MAX_DUPLICATES]


#: Built once, bound per file (building the sixteen slice conditions on every item detail cost
#: more CPU than running the lookups).
_EXACT = (
    select(StoredFile.id, Submission.id, Submission.account_id)
    .join(Attempt, Attempt.id == StoredFile.attempt_id)
    .join(Submission, Submission.id == Attempt.submission_id)
    .where(StoredFile.sha256 == bindparam("sha256"), Submission.account_id != bindparam("owner"))
    .limit(MAX_CANDIDATES)
)
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
_NEAR = (
    select(StoredFile.id, Submission.id, Submission.account_id, StoredFile.phash)
    .join(Attempt, Attempt.id == StoredFile.attempt_id)
    .join(Submission, Submission.id == Attempt.submission_id)
    .where(StoredFile.id.in_(_CANDIDATES), Submission.account_id != bindparam("owner"))
)


def _exact(session: Session, f: StoredFile, account_id: str) -> list[tuple[str, str, str]]:
    rows = session.execute(_EXACT, {"sha256": f.sha256, "owner": account_id})
    return [(a, b, c) for a, b, c in rows]


def _near(session: Session, phash: str, account_id: str) -> list[tuple[str, str, str, str]]:
    params: dict[str, object] = {f"band{n}": v for n, v in bands(phash)}
    rows = session.execute(_NEAR, {**params, "owner": account_id})
    ordered = sorted(rows, key=lambda r: distance(phash, r[3] or "0"))
    return [(a, b, c, d) for a, b, c, d in ordered if d is not None]
