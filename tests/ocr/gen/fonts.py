"""Type faces of generated documents: sans as on screens, and the Ming (明體) faces that
household register offices and the ID card print in.

Debian packages (scripts/setup.sh installs them): fonts-noto-cjk (Sans and Serif TC),
fonts-noto-cjk-extra (the light Serif, close to the thin strokes of 細明體), fonts-arphic-uming
(AR PL UMing, the classic Big5 Ming face) and fonts-cwtex-ming (cwTeX 明體).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont

_NOTO = "/usr/share/fonts/opentype/noto"
_TC = 3  #: the Traditional Chinese face inside the Noto collections

#: name → (regular file, index, bold file, index). Faces without a bold use the regular one.
FACES: dict[str, tuple[str, int, str, int]] = {
    "sans": (f"{_NOTO}/NotoSansCJK-Regular.ttc", _TC, f"{_NOTO}/NotoSansCJK-Bold.ttc", _TC),
    "serif": (f"{_NOTO}/NotoSerifCJK-Regular.ttc", _TC, f"{_NOTO}/NotoSerifCJK-Bold.ttc", _TC),
    "light": (f"{_NOTO}/NotoSerifCJK-Light.ttc", _TC, f"{_NOTO}/NotoSerifCJK-Regular.ttc", _TC),
    "uming": (
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        2,
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        2,
    ),
    "cwming": (
        "/usr/share/fonts/truetype/cwtex/cwming.ttf",
        0,
        "/usr/share/fonts/truetype/cwtex/cwming.ttf",
        0,
    ),
}
FONTS = tuple(FACES)


@cache
def font(face: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    regular, r_index, heavy, h_index = FACES[face]
    path, index = (heavy, h_index) if bold else (regular, r_index)
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: run scripts/setup.sh (it installs the fonts)")
    return ImageFont.truetype(path, size, index=index)
