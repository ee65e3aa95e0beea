"""OCR words → lines, and the small text searches the verifiers need (dates, names).

Tesseract's own line ids break a table row into several blocks, so rows are rebuilt here from the
word boxes: words whose vertical centres are close belong to the same line.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date

#: Variant and look-alike characters the chi_tra model emits for the ones we look for.
_CHAR_FIXES = {"户": "戶", "戸": "戶", "囯": "國", "曰": "日", "：": ":"}
#: Variant forms (異體字) of one character: a name may be registered in one form and printed
#: or read in the other (晋 and 晉, 温 and 溫), so names are compared in one form.
VARIANTS = dict(
    zip(
        "晋温峯啓凃黄豊眞綉姫恒爲衞裏却敎淸靑强",
        "晉溫峰啟涂黃豐真繡姬恆為衛裡卻教清青強",
        strict=True,
    )
)
VARIANTS |= dict(zip("况冲决羣灯寳刘", "況沖決群燈寶劉", strict=True))
VARIANTS |= dict(zip("凉凈减凖衆煕姸冨嵗鷄綫硏", "涼淨減準眾熙妍富歲雞線研", strict=True))
#: Name characters the model cannot write (model_chars.py) that are another form of one it
#: writes (笔 as 筆, 阳 as 陽, 徳 as 德): printed in that form, they are read in the other.
VARIANTS |= dict(
    zip(
        "勲献双炉栢烱鳯擧恊鎭参烟徳欵効宝庻賔継棃钰栁阳笔渊彦愽粮湻琼咏鉄賛濶寛圀葱熖埜椉爗煇蕋煖鑛",
        "勳獻雙爐柏炯鳳舉協鎮參煙德款效寶庶賓繼梨鈺柳陽筆淵彥博糧淳瓊詠鐵贊闊寬國蔥焰野乘燁輝蕊暖礦",
        strict=True,
    )
)
_FOLD = str.maketrans({**_CHAR_FIXES, **VARIANTS})


def folded(text: str) -> str:
    """`text` with variant forms in one form (what Line.text gives for OCR text)."""
    return text.translate(_FOLD)


#: In a date, these read as digits (OCR of 1/0/5/8 in a CJK line).
_DATE_DIGITS = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "!": "1",
        "S": "5",
        "B": "8",
        "〇": "0",
        "Ｏ": "0",
    }
)
_ROC_DATE = re.compile(r"(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,3})")


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..100, tesseract's word confidence
    #: The other readings of the word's chunk (pass 2, compose.py), whole: a character that
    #: changes from one reading to the next was misread; one printed reads the same each time.
    alts: tuple[str, ...] = ()


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        """The words without spaces: Chinese has none, and OCR splits IDs and names at random."""
        return "".join(w.text for w in self.words).translate(_FOLD)

    @property
    def display(self) -> str:
        return " ".join(w.text for w in self.words)[:80]

    @property
    def y(self) -> float:
        return statistics.median(w.top + w.height / 2 for w in self.words)

    def conf(self, start: int = 0, end: int | None = None) -> float:
        """Mean confidence (0..1) of the words covering text[start:end]."""
        end = len(self.text) if end is None else end
        pos, confs = 0, []
        for w in self.words:
            if pos < end and pos + len(w.text) > start:
                confs.append(w.conf)
            pos += len(w.text)
        return max(0.0, min(1.0, statistics.fmean(confs) / 100)) if confs else 0.0


def group_lines(words: list[Word]) -> list[Line]:
    """Cluster words into lines by vertical centre, left to right within a line."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    tol = 0.6 * statistics.median(w.height for w in words)
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: w.top + w.height / 2):
        yc = w.top + w.height / 2
        if lines and abs(lines[-1].y - yc) <= tol:
            lines[-1].words.append(w)
        else:
            lines.append(Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.left)
    return lines


def legible_chars(words: list[Word]) -> int:
    """Characters read with some confidence: a page upside down or sideways has almost none."""
    return sum(len(w.text) for w in words if w.conf >= 60 and any(c.isalnum() for c in w.text))


def find_roc_dates(text: str) -> list[tuple[date, int, int]]:
    """ROC dates (民國75年3月5日) in `text` as (date, start, end); the 民國 is optional."""
    out = []
    for m in _ROC_DATE.finditer(text.translate(_DATE_DIGITS)):
        year, month, day = int(m[1]), int(m[2]), m[3]
        # A 日 misread as a digit ("17日" → "179") leaves a day that is too long or too large.
        for d in (day, day[:2], day[:1]):
            try:
                out.append((date(year + 1911, month, int(d)), m.start(), m.end()))
                break
            except ValueError:
                continue
    return out
