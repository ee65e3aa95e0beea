"""Name characters Debian's chi_tra model is known to misread, and as what.

Used to accept the inmate's name in a register when it is read with one such substitution: the
roster gives only the inmate's name (no birth date, no ID number) to confirm the row with, and
chi_tra reads some name characters wrong consistently, e.g. 宥 as 育 on every page.

Measured, not guessed: 1,398 member rows of generated registers (tests/ocr/docgen.py layout)
whose names were drawn from about 300 common Taiwanese surname and given-name characters, far
more than the test generator uses, printed in Noto Sans CJK TC and Noto Serif CJK TC (the
latter close to the 明體 of a real transcript), as 300-dpi scans, 150-dpi copies and phone
photos; one-character misreadings seen at least twice are listed. Another font, printer or
scanner misreads other characters: a misreading not listed here makes the inmate's name a
mismatch for the reviewer to look at, never a match.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model_chars import unwritable
from .text import folded

#: Declared character → the characters chi_tra read instead.
MISREAD_AS: dict[str, str] = {
    "勝": "騰",
    "妤": "即",
    "姜": "開",
    "嫣": "妖媽",
    "宜": "宣",
    "宥": "寡育誼",
    "川": "咱",
    "慧": "硬",
    "榮": "勞",
    "涂": "塗",
    "温": "溫",
    "瀅": "淡",
    "瀚": "潮",
    "瓊": "殃",
    "睿": "瞪窒",
    "萱": "迷",
    "蓁": "其業",
    "蔣": "壯將",
    "薇": "微黴",
    "褔": "福",  # 衤 for 礻: one dot apart at 250 dpi (DEV, issue 14: every reading)
    "余": "佘",  # (DEV, issue 14: 余煌裕 and 余軒弘 read 佘 at most scales)
    "諺": "讓",
    "趙": "趟",
    "邵": "部",
    "鈞": "鉤",
    "霖": "宁麻",
    "霞": "需震",
    "韋": "丫章蛋違",
    "頎": "誠",
    "馨": "聲",
    "龔": "襲",
}


def known_confusion(expected: str, read: str) -> bool:
    """`read` is `expected` with exactly one character misread in a known way."""
    if len(read) != len(expected):
        return False
    diffs = [(e, r) for e, r in zip(expected, read, strict=True) if e != r]
    return len(diffs) == 1 and diffs[0][1] in MISREAD_AS.get(diffs[0][0], "")


def misread_unsteadily(read: str, expected: str, alts: Iterable[str]) -> bool:
    """`read` is `expected` with one character different, and the chunk's other readings
    (pass 2: other scales, heavier strokes) put yet other characters in that place while
    agreeing on the rest (莅 read 蕉, 薛, 苞): a character the model cannot read, where a
    character really printed (a brother's 傑 for 俊) reads the same every time."""
    if len(read) != len(expected):
        return False
    diffs = [i for i, (e, r) in enumerate(zip(expected, read, strict=True)) if e != r]
    if len(diffs) != 1:
        return False
    k, n, seen = diffs[0], len(expected), {read[diffs[0]]}
    for alt in map(folded, alts):
        for i in range(len(alt) - n + 1):
            window = alt[i : i + n]
            if all(window[j] == expected[j] for j in range(n) if j != k):
                seen.add(window[k])
                break
    return len(seen) >= 2 and expected[k] not in seen


def surname_misread(read: str, name: str, alts: Iterable[str]) -> bool:
    """Only the surname differs, and it reads differently at each scale (鄭 as 体, 伺, 鄒;
    傅 as 便, 傳), the given name read exactly: the same person. A brother shares the
    surname and differs in the given name; one household gives no two members one given
    name, and a printed surname reads the same every time."""
    diffs = [i for i, (e, r) in enumerate(zip(name, read, strict=False)) if e != r]
    return len(diffs) == 1 and diffs[0] < len(name) - 2 and misread_unsteadily(read, name, alts)


def misread_by_model(
    read: str, expected: str, alts: Iterable[str], places: Iterable[str] = ()
) -> bool:
    """`read` is `expected` with one character misread by the model: unsteadily at the
    scales of its chunk (`alts`, above), or, for a character the model cannot write at all
    (塏, 娣: model_chars.py), whose misreading may be the same at every scale, unsteadily
    over the readings of the same name printed in other `places` too (夏讚娣 read 夏讚交 in
    the row, 夏讚烯 in a column). A character really printed reads the same everywhere.
    Like an unsteady one, this says only that the name may be misread, never whose it is:
    callers still need the row proven."""
    if misread_unsteadily(read, expected, alts):
        return True
    diffs = [i for i, (e, r) in enumerate(zip(expected, read, strict=False)) if e != r]
    return (
        len(read) == len(expected)
        and len(diffs) == 1
        and unwritable(expected[diffs[0]])
        and misread_unsteadily(read, expected, {*alts, *places})
    )


def read_steadily(read: str, expected: str, alts: Iterable[str]) -> bool:
    """`read` is `expected` with one character different, a character the model can write,
    and the chunk's other readings that agree on the rest put the very character read in
    its place, never another (a sister's 廷 where the roster says 瑯): a character printed,
    not misread. False without such a reading: nothing says it is steady."""
    if len(read) != len(expected):
        return False
    diffs = [i for i, (e, r) in enumerate(zip(expected, read, strict=True)) if e != r]
    if len(diffs) != 1 or unwritable(expected[diffs[0]]):
        return False
    k, n, seen = diffs[0], len(expected), set()
    for alt in map(folded, alts):
        for i in range(len(alt) - n + 1):
            window = alt[i : i + n]
            if all(window[j] == expected[j] for j in range(n) if j != k):
                seen.add(window[k])
                break
    return seen == {read[k]}
