"""Verifying declared values against OCR lines: the ID number, the name, the birth date.

We know what the family declared, so the question per field is "does the document say this?",
which is far more reliable than reading the field blind. A valid ID number or a date that is
present but different is a mismatch; nothing recognisable is "not found".
"""

from __future__ import annotations

from datetime import date

from .idnumber import AS_DIGIT, find_ids, hamming
from .text import Line, find_roc_dates
from .types import PrefillField, Status, not_found

#: Digits as chi_tra may read them inside an ID number.
DIGITS_OF_ID = str.maketrans({k: v for k, v in AS_DIGIT.items() if not k.isupper()})
#: Confidence is scaled down per repaired character of the ID number.
REPAIR_PENALTY = 0.15
#: Words on a card's issue-date line (發證日期 … 換發/補發/初發): that date is not the birth date.
ISSUE_MARKS = ("發證", "換發", "補發", "初發", "證日")
#: Printed words of a card: a misread name must not be "found" inside them (林國民 ~ 國國民).
CARD_LABELS = (
    "中華民國國民身分證",
    "國民身分證",
    "出生年月日",
    "發證日期",
    "統一編號",
    "姓名",
    "性別",
    "民國",
    "換發",
    "補發",
)


def verify_id(lines: list[Line], expected: str) -> PrefillField:
    seen = []
    for line in lines:
        for cand in find_ids(line.text):
            conf = line.conf(cand.start, cand.start + 10) * (1 - REPAIR_PENALTY * cand.repairs)
            if cand.value == expected.upper():
                return PrefillField(
                    "national_id",
                    cand.value,
                    expected,
                    Status.MATCH,
                    round(max(conf, 0.05), 2),
                    line.display,
                )
            seen.append((cand, conf, line))
    found = by_digits(lines, expected.upper())
    if found is not None:
        return found
    if seen:  # a valid number that is not the applicant's: someone else's document?
        cand, conf, line = max(seen, key=lambda s: s[1])
        return PrefillField(
            "national_id", cand.value, expected, Status.MISMATCH, round(conf, 2), line.display
        )
    return not_found("national_id", expected)


def by_digits(lines: list[Line], expected: str) -> PrefillField | None:
    """The declared number's nine digits after a letter chi_tra misread (L read as I: the
    check digit then fails, so find_ids cannot repair it) or dropped. Nine given digits in a
    row, not part of a longer number, on the applicant's own row are no one else's number."""
    for line in lines:
        text = line.text.translate(DIGITS_OF_ID)
        pos = text.find(expected[1:])
        after = text[pos + 9 : pos + 10]
        # After a letter, or with the letter dropped at a cell's edge; never inside more digits.
        if pos >= 0 and not after.isdigit() and (pos == 0 or not text[pos - 1].isdigit()):
            conf = line.conf(pos - 1, pos + 9) * (1 - REPAIR_PENALTY)
            return PrefillField("national_id", expected, expected, Status.MATCH,
                                round(max(conf, 0.05), 2), line.display)  # fmt: skip
    return None


def near_name(text: str, expected: str) -> int:
    """Offset of a one-character misreading of `expected` (3+ characters) in `text`, or -1."""
    n = len(expected)
    if n < 3:  # with two characters, one wrong leaves too little to go on
        return -1
    for i in range(len(text) - n + 1):
        if hamming(text[i : i + n], expected) == 1:
            return i
    return -1


def dropped_one(read: str, expected: str) -> bool:
    """`read` is `expected` (3+ characters) with one of them left out."""
    return len(expected) >= 3 and any(
        expected[:i] + expected[i + 1 :] == read for i in range(len(expected))
    )


def _one_off_over_readings(line: Line, read: str, expected: str) -> bool:
    """`read` is two characters off `expected`, and the chunk's other readings (pass 2's
    scales) give one of the two as declared (傅德冀 read 傳德荔, and 傅德蔓 at another scale):
    one character is left that no reading gives, as a one-off reading."""
    n = len(expected)
    if n < 3 or len(read) != n or hamming(read, expected) != 2:
        return False
    windows = {read}
    for alt in {a for w in line.words for a in w.alts}:
        windows |= {alt[i : i + n] for i in range(len(alt) - n + 1)}
    windows = {w for w in windows if hamming(w, expected) <= 2}
    missed = [i for i in range(n) if all(w[i] != expected[i] for w in windows)]
    return len(missed) <= 1


def name_field(line: Line, pos: int, expected: str, id_confirmed: bool) -> PrefillField:
    """The verdict for the name read at `line.text[pos:]`.

    A one-character difference (one misread, or one not read at all) counts as a match only
    when the ID number on the same document is exactly the declared one: chi_tra confuses
    some characters consistently (呂/吳, 芬/分) and skips some, and with the ID confirmed a
    misreading is far likelier than another person.
    """
    read = line.text[pos : pos + len(expected)]
    conf = line.conf(pos, pos + len(expected))
    if read == expected:
        return PrefillField("name", read, expected, Status.MATCH, round(conf, 2), line.display)
    one_off = hamming(read, expected) == 1 or _one_off_over_readings(line, read, expected)
    if id_confirmed and one_off:
        return PrefillField(
            "name", read, expected, Status.MATCH, round(conf * 0.5, 2), line.display
        )
    short = line.text[pos : pos + len(expected) - 1]
    if id_confirmed and dropped_one(short, expected):  # 林金青 read 林青: 金 not seen at all
        conf = line.conf(pos, pos + len(short))
        return PrefillField(
            "name", short, expected, Status.MATCH, round(conf * 0.5, 2), line.display
        )
    return PrefillField("name", read, expected, Status.MISMATCH, round(conf, 2), line.display)


def verify_name(
    lines: list[Line], expected: str, *, id_confirmed: bool = False, label: str = "名"
) -> PrefillField:
    for line in lines:
        pos = line.text.find(expected)
        if pos >= 0:
            return name_field(line, pos, expected, id_confirmed)
    for line in lines:
        masked = line.text
        for printed in CARD_LABELS:
            masked = masked.replace(printed, "\0" * len(printed))
        pos = near_name(masked, expected)
        if pos >= 0:
            return name_field(line, pos, expected, id_confirmed)
    for line in lines:  # the name line by its label: what is written there instead
        pos = line.text.find(label)
        if 0 <= pos <= 2 and len(line.text) - pos - 1 >= 2:
            return name_field(line, pos + 1, expected, id_confirmed)
    return not_found("name", expected)


def verify_birth_date(lines: list[Line], expected: date, *, skip_issue: bool) -> PrefillField:
    iso = expected.isoformat()
    candidates = []
    for line in lines:
        if skip_issue and any(mark in line.text for mark in ISSUE_MARKS):
            continue
        for found, start, end in find_roc_dates(line.text):
            conf = line.conf(start, end)
            if found == expected:
                return PrefillField(
                    "birth_date", iso, iso, Status.MATCH, round(conf, 2), line.display
                )
            candidates.append((found, conf, line))
    if candidates:
        found, conf, line = candidates[0]
        return PrefillField(
            "birth_date", found.isoformat(), iso, Status.MISMATCH, round(conf, 2), line.display
        )
    return not_found("birth_date", iso)
