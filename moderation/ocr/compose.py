"""Which of a chunk's readings to believe: the one that says what was declared.

We know what the family declared, so the question per chunk is "does any reading of it say
this?": a reading that holds the declared name, the roster's inmate name, the ID number or the
birth date is taken over the others (a misreading rarely produces exactly a declared value);
else one that reads the inmate's name one character off where the first reads it further off;
else a reading that starts with a kinship title, the most frequent one; else the first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .kinship import title_at_start
from .reader import PageRead
from .text import Line, find_roc_dates, folded, group_lines
from .types import Declared
from .verify import near_name

#: Labels before a title on the electronic transcript, as chi_tra may read them.
_TITLE_LABELS = ("稱謂", "稱調", "稱請", "稱譯")


def _says(text: str, d: Declared) -> bool:
    text = folded(text)
    wanted = [folded(d.name), d.national_id.upper(), folded(d.inmate_name or "")]
    if any(w and w in text for w in wanted):
        return True
    return any(found == d.birth_date for found, _, _ in find_roc_dates(text))


def _title(text: str) -> str | None:
    for label in _TITLE_LABELS:
        if text.startswith(label):
            text = text[len(label) :].lstrip(":：")
            break
    return title_at_start(text)


def _near_inmate(text: str, d: Declared) -> bool:
    return bool(d.inmate_name) and near_name(folded(text), folded(d.inmate_name or "")) >= 0


def pick(texts: list[str], d: Declared) -> int:
    """The index of the reading to believe."""
    for i, text in enumerate(texts):
        if _says(text, d):
            return i
    # Else one that reads the inmate's name one character off, over a first reading further
    # off (鄭田枝 read 凶田棱, and 仁田枝 at another scale): whether that one character is a
    # misreading or another member's name is for register.py to tell, from all readings.
    if not _near_inmate(texts[0], d):
        near = next((i for i, text in enumerate(texts) if _near_inmate(text, d)), None)
        if near is not None:
            return near
    if _title(texts[0]) is None:
        titles = [(i, t) for i, text in enumerate(texts) if (t := _title(text))]
        if titles:
            common, _ = Counter(t for _, t in titles).most_common(1)[0]
            return next(i for i, t in titles if t == common)
    return 0


def compose_lines(page: PageRead, d: Declared) -> list[Line]:
    words = []
    for readings in page.readings.values():
        texts = ["".join(w.text for w in ws) for ws in readings]
        i = pick(texts, d)
        others = tuple(t for j, t in enumerate(texts) if j != i)
        words += [replace(w, alts=others) for w in readings[i]]
    return group_lines(words)
