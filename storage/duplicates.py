"""The same document in another family's submission: the same bytes (SHA-256 of the original,
`ix_files_sha256`) or the same picture photographed again (a perceptual hash near it, found
through `phash_bands`, see `moderation.document_hash`). Borrowed ID cards show up this way.

Both are index lookups; only the few candidates sharing a slice of the hash are compared.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, literal, or_, select, union_all
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


@dataclass(frozen=True)
class FileHashes:
    """What the lookups need of a file: its id and hashes."""

    id: str
    sha256: str
    phash: str | None


def duplicates_of(session: Session, files: list[FileHashes], account_id: str) -> list[Duplicate]:
    """Files of other families' submissions equal or near to `files`: both lookups of a file
    in one statement."""
    found: dict[tuple[str, str], Duplicate] = {}
    for f in files:
        params: dict[str, object] = {f"band{n}": None for n in range(BANDS)}
        if f.phash is not None:
            params.update((f"band{n}", v) for n, v in bands(f.phash))
        rows = session.execute(_BOTH, {**params, "sha256": f.sha256, "owner": account_id}).all()
        for match, other_id, item_id, owner, _ in rows:
            if match == Match.EXACT:
                found[(f.id, other_id)] = Duplicate(f.id, other_id, item_id, owner, Match.EXACT)
        if f.phash is None:
            continue
        phash = f.phash
        near = sorted(
            (r for r in rows if r[0] == Match.SIMILAR and r[4] is not None),
            key=lambda r: distance(phash, r[4]),
        )
        for _, other_id, item_id, owner, other_hash in near:
            if (f.id, other_id) not in found and is_near(phash, other_hash):
                found[(f.id, other_id)] = Duplicate(f.id, other_id, item_id, owner, Match.SIMILAR)
    return list(found.values())[:MAX_DUPLICATES]


def _other_families(match: Match) -> Select[Any]:
    return (
        select(
            literal(match.value).label("match"),
            StoredFile.id.label("other_id"),
            Submission.id.label("item_id"),
            Submission.account_id.label("owner"),
            StoredFile.phash,
        )
        .join(Attempt, Attempt.id == StoredFile.attempt_id)
        .join(Submission, Submission.id == Attempt.submission_id)
        .where(Submission.account_id != bindparam("owner"))
    )


#: Built once, bound per file (building the sixteen slice conditions on every item detail cost
#: more CPU than running the lookups). A file without a perceptual hash binds no slice: its
#: near part finds nothing.
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
