"""Taiwanese national ID numbers in OCR text: finding them, and repairing known confusions.

The format and check digit live in `moderation.national_id`; this module only knows how OCR
gets them wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderation.national_id import LETTER_VALUES
from moderation.national_id import is_valid_national_id as is_valid

#: OCR confusions we repair, and only where the check digit then holds (issue 6).
AS_DIGIT = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "s": "5", "B": "8"}
AS_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "l": "I", "|": "I"}
_ID_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") | set(AS_DIGIT) | set(AS_LETTER)


@dataclass(frozen=True)
class IdCandidate:
    value: str  # the repaired, uppercase ID (check digit holds)
    raw: str  # the 10 characters as OCR read them
    repairs: int  # how many characters were repaired
    start: int  # offset in the searched text


def _repair(raw: str) -> tuple[str, int] | None:
    first = raw[0].upper() if raw[0].isalpha() and raw[0] not in "l|" else AS_LETTER.get(raw[0])
    if first is None or first not in LETTER_VALUES:
        return None
    out, repairs = [first], int(first != raw[0])
    for c in raw[1:]:
        d = c if c.isdigit() else AS_DIGIT.get(c)
        if d is None:
            return None
        out.append(d)
        repairs += d != c
    return "".join(out), repairs


def find_ids(text: str) -> list[IdCandidate]:
    """Every 10-character window of `text` that is a valid ID, after repairs if needed.

    `text` should have its spaces removed: OCR often splits the number into several words.
    Raw readings come before repaired ones at the same place, so a valid raw read always wins.
    """
    found: list[IdCandidate] = []
    for i in range(len(text) - 9):
        raw = text[i : i + 10]
        if not set(raw) <= _ID_CHARS:
            continue
        fixed = _repair(raw)
        if fixed and is_valid(fixed[0]):
            found.append(IdCandidate(fixed[0], raw, fixed[1], i))
    return found


def hamming(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))
