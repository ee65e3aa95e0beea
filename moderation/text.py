"""Free text typed by families (post titles and bodies): cleaned, then counted as people count.

- NFC first, so that "é" typed as e + accent and as one code point are the same text, the
  same length and the same bytes in the database.
- Length in grapheme clusters (the `regex` package's `\\X`): 我 is one, 👍🏽 is one, a family
  emoji 👨‍👩‍👧 is one. `len()` would count the last one as 5 and refuse a body a family sees as
  within the 100-character limit.
- Refused: control characters (other than line breaks), bidirectional overrides and isolates
  (they make text display in another order than it is stored: "Trojan Source"), invisible
  formatting characters, lone surrogates, and fields that are blank once trimmed. Letters that
  draw nothing (Hangul fillers such as U+3164, the braille blank U+2800) count as blank, and
  are refused anywhere else they stand alone: they look like a space but are not one. Harmless
  invisibles that pasted text carries (BOM, zero-width space, soft hyphen) are removed.
- One grapheme may hold at most `MAX_CODEPOINTS_PER_GRAPHEME` code points, or a single
  "character" could carry hundreds of stacked accents (zalgo text) past every length limit.
Every refusal is `moderation.errors.invalid_fields` naming the field; `err.extra["codes"]`
holds a stable code per field for the API and the tests.
"""

import unicodedata
from enum import StrEnum

import regex

from moderation.errors import InvalidInput, invalid_fields

#: The longest emoji sequences (family with skin tones, kiss with tones) have 10 code points.
MAX_CODEPOINTS_PER_GRAPHEME = 16
#: Bidirectional formatting characters: embeddings, overrides, isolates and the marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
#: Invisible format characters (category Cf) that real text needs: joiners build emoji and
#: some scripts; tag characters build subdivision flags (🏴 + tags), checked separately.
ALLOWED_FORMAT = frozenset("\u200d\u200c")
TAG_CHARACTERS = range(0xE0020, 0xE0080)
#: Invisible characters that text pasted from chat apps and web pages carries and that change
#: nothing a reader sees: removed silently (BOM, zero-width space, word joiner, soft hyphen).
SILENTLY_REMOVED = str.maketrans("", "", "\ufeff\u200b\u2060\u00ad")
BLACK_FLAG = "\U0001f3f4"
#: Letters and symbols that draw nothing (categories Lo and So, so neither `isspace()` nor the
#: format check sees them): Hangul choseong/jungseong fillers and the compatibility and
#: halfwidth fillers (U+3164 is the well-known "invisible name"), the braille blank cell and
#: the musical null notehead. A field made of them looks empty.
INVISIBLE_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\U0001d159")
BRAILLE_BLANK = "\u2800"
BRAILLE_PATTERNS = regex.compile(r"[\u2801-\u28ff]")
GRAPHEME = regex.compile(r"\X")


class TextCode(StrEnum):
    """Why a text field was refused: `err.extra["codes"][field]`."""

    TEXT_REQUIRED = "text_required"
    TEXT_BLANK = "text_blank"
    TEXT_TOO_LONG = "text_too_long"
    TEXT_CONTROL_CHARACTER = "text_control_character"
    TEXT_BIDI_CONTROL = "text_bidi_control"
    TEXT_INVISIBLE_CHARACTER = "text_invisible_character"
    TEXT_STACKED_MARKS = "text_stacked_marks"


def clean_text(
    value: str | None, *, field: str, max_chars: int, allow_newlines: bool = True
) -> str:
    """The text as it will be stored: NFC, line breaks as "\\n", trimmed.

    Titles pass `allow_newlines=False`. Raises `InvalidInput` (HTTP 422) naming `field`.
    """
    if value is None or not isinstance(value, str):
        raise _refuse(field, TextCode.TEXT_REQUIRED, "此欄位必填。", "This field is required.")
    text = unicodedata.normalize("NFC", value).translate(SILENTLY_REMOVED)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").strip()
    if not text or all(_blank(ch) for ch in text):
        raise _refuse(
            field,
            TextCode.TEXT_BLANK,
            "不能只有空白，請輸入內容。",
            "It cannot be blank; please write something.",
        )
    _refuse_bad_characters(text, field, allow_newlines)
    graphemes = GRAPHEME.findall(text)
    if any(_invisible_cluster(g, text) for g in graphemes):
        raise _refuse(
            field,
            TextCode.TEXT_INVISIBLE_CHARACTER,
            "含有看起來像空白、但不是空白的隱藏字元，請刪除後重新輸入（可改用直接打字，不要貼上）。",
            "It contains an invisible character that looks like a space; type it again.",
        )
    if any(len(g) > MAX_CODEPOINTS_PER_GRAPHEME for g in graphemes):
        raise _refuse(
            field,
            TextCode.TEXT_STACKED_MARKS,
            "含有不正常堆疊的符號，請改用一般文字。",
            "It contains unusually stacked marks; please use plain text.",
        )
    if len(graphemes) > max_chars:
        raise _refuse(
            field,
            TextCode.TEXT_TOO_LONG,
            f"最多 {max_chars} 個字，目前有 {len(graphemes)} 個字，請刪減 "
            f"{len(graphemes) - max_chars} 個字。",
            f"At most {max_chars} characters; it has {len(graphemes)}.",
        )
    return text


def count_chars(text: str) -> int:
    """Characters as a person counts them (grapheme clusters), after NFC."""
    return len(GRAPHEME.findall(unicodedata.normalize("NFC", text)))


def _blank(ch: str) -> bool:
    """Whitespace, or invisible characters that would make a field look empty."""
    return (
        ch.isspace()
        or ch in INVISIBLE_FILLERS
        or unicodedata.category(ch) in ("Cf", "Zs", "Mn", "Me")
    )


def _invisible_cluster(grapheme: str, text: str) -> bool:
    """A character as a person sees it that holds a filler and nothing visible.

    A filler joined to a visible letter is how Unicode writes some old Hangul syllables
    (ᄀ + U+1160 is one cluster, and shows ᄀ), and a blank cell between braille cells is a
    braille space: both are kept."""
    if not any(ch in INVISIBLE_FILLERS for ch in grapheme):
        return False
    if not all(_blank(ch) for ch in grapheme):
        return False
    return not (grapheme == BRAILLE_BLANK and BRAILLE_PATTERNS.search(text))


def _refuse_bad_characters(text: str, field: str, allow_newlines: bool) -> None:
    for index, ch in enumerate(text):
        if ch == "\n" and allow_newlines:
            continue
        category = unicodedata.category(ch)
        if ch in BIDI_CONTROLS:
            raise _refuse(
                field,
                TextCode.TEXT_BIDI_CONTROL,
                "含有改變文字方向的隱藏字元，請刪除後重新輸入（可改用直接打字，不要貼上）。",
                "It contains hidden characters that change the text direction; type it again.",
            )
        if category == "Cf" and not _allowed_format(text, index, ch):
            raise _refuse(
                field,
                TextCode.TEXT_INVISIBLE_CHARACTER,
                "含有看不見的特殊字元，請刪除後重新輸入（可改用直接打字，不要貼上）。",
                "It contains an invisible special character; type it again.",
            )
        if category in ("Cc", "Cs", "Co", "Cn") or ch in "\ufffe\uffff":
            what_zh = "換行" if ch == "\n" else "控制字元或無法顯示的字元"
            raise _refuse(
                field,
                TextCode.TEXT_CONTROL_CHARACTER,
                f"不能有{what_zh}，請刪除後重新輸入。",
                "It contains a line break or control character that is not allowed here."
                if ch == "\n"
                else "It contains a control or undisplayable character.",
            )


def _allowed_format(text: str, index: int, ch: str) -> bool:
    if ch in ALLOWED_FORMAT:
        return True
    if ord(ch) in TAG_CHARACTERS:
        # Only inside a flag: 🏴 followed by tags. Tags elsewhere can hide text from readers.
        start = index
        while start > 0 and ord(text[start - 1]) in TAG_CHARACTERS:
            start -= 1
        return start > 0 and text[start - 1] == BLACK_FLAG
    return False


def _refuse(field: str, code: str, zh: str, en: str) -> InvalidInput:
    error = invalid_fields({field: (zh, en)})
    error.extra["codes"] = {field: code}
    return error
