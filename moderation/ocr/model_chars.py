"""The characters the installed recognition model can write at all.

Debian's chi_tra model writes 4,589 characters; about a sixth of the characters Taiwanese given
names use are not among them (塏, 娣, 堉, 莅 …): a name holding one is never read exactly, at
any scale, and its misreading may well be the same every time. Knowing which characters these
are lets the register reader tell "the model cannot write this" from "another name is printed
here", which a one-character difference alone cannot.

The set is read from the installed model file itself (its LSTM unicharset), so it follows the
model Debian ships; if that cannot be read, no character counts as unwritable and nothing is
accepted on this ground.
"""

from __future__ import annotations

import functools
import logging
import os
import struct
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

#: Index of the LSTM unicharset among a .traineddata file's components (tesseract's
#: TessdataType: LSTM_UNICHARSET = 21).
LSTM_UNICHARSET = 21
#: Where Debian installs the models, if `tesseract --list-langs` does not say.
DEFAULT_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


def _tessdata() -> Path:
    if os.environ.get("TESSDATA_PREFIX"):
        return Path(os.environ["TESSDATA_PREFIX"])
    out = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10, check=False
    ).stdout
    first = out.splitlines()[0] if out else ""
    return Path(first.split('"')[1]) if first.count('"') >= 2 else DEFAULT_TESSDATA


def unicharset_component(data: bytes) -> str:
    """The LSTM unicharset of a .traineddata file: a count, then one offset per component
    (-1 for an absent one); a component runs to the next present one's offset."""
    (count,) = struct.unpack_from("<i", data, 0)
    offsets = struct.unpack_from(f"<{count}q", data, 4)
    start = offsets[LSTM_UNICHARSET]
    if start < 0:
        return ""
    ends = [o for o in offsets[LSTM_UNICHARSET + 1 :] if o > 0]
    return data[start : min(ends, default=len(data))].decode("utf-8", "replace")


@functools.cache
def writable(lang: str = "chi_tra") -> frozenset[str]:
    """Every character the model `lang` can write; empty if its file cannot be read."""
    try:
        text = unicharset_component((_tessdata() / f"{lang}.traineddata").read_bytes())
    except (OSError, struct.error, IndexError, subprocess.SubprocessError):
        log.warning("cannot read the %s model's characters", lang, exc_info=True)
        return frozenset()
    chars = (line.split(" ", 1)[0] for line in text.splitlines()[1:])
    return frozenset(c for c in chars if len(c) == 1)


def unwritable(ch: str) -> bool:
    """The installed model can never write `ch` (False when its characters are unknown)."""
    chars = writable()
    return bool(chars) and ch not in chars
