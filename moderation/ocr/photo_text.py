"""Text written in a posted photo (a note, a phone number on paper), as a flag for the reviewer.

Posts are not documents we verify against anything: we only want to know whether a photo
carries writing a person should read before it reaches the inmate. Flags only; a person decides.
"""

from pathlib import Path

import regex
from PIL import Image

from .engine import ocr_words

#: Tesseract reads best near 300 dpi; a phone photo has none, so scale it to a page-like size.
TARGET_LONG_SIDE = 2400
ASSUMED_DPI = 300
#: Words below this confidence are mostly texture read as letters.
MIN_WORD_CONFIDENCE = 70.0
#: Fewer meaningful characters than this is noise (a logo, a house number).
MIN_CHARACTERS = 4
_MEANINGFUL = regex.compile(r"[\p{Han}\p{L}\p{N}]")


def text_in_photo(path: Path, *, timeout_s: float = 20.0) -> str:
    """The legible text of an image we re-encoded ourselves, or "" if there is none."""
    with Image.open(path) as img:
        grey = img.convert("L")
    scale = TARGET_LONG_SIDE / max(grey.size)
    if scale < 1:
        grey = grey.resize((max(1, int(grey.width * scale)), max(1, int(grey.height * scale))))
    words = ocr_words(grey, ASSUMED_DPI, timeout_s) or []
    kept = [w.text for w in words if w.conf >= MIN_WORD_CONFIDENCE and _MEANINGFUL.search(w.text)]
    text = " ".join(kept)
    return text if len(_MEANINGFUL.findall(text)) >= MIN_CHARACTERS else ""
