"""Turning a decoded image into the clean copy reviewers and inmates see, and its preview.

Why each step:
- colours: an embedded ICC profile is applied (CMYK scans, wide-gamut phone photos), then
  dropped; without this, CMYK prints come out washed out or grey.
- 16-bit greys are scaled down, not clipped: Pillow's plain `convert("L")` turns them white.
- transparency is laid on white paper, not black (a transparent scan would otherwise vanish).
- the pixels are copied into a fresh image before saving: Pillow's JPEG writer copies the
  original's comment and its PNG writer the ICC profile from `info` unless told otherwise.
"""

import io
import logging
from pathlib import Path

from PIL import Image, ImageCms

log = logging.getLogger(__name__)

#: JPEG quality of the sanitized copy: visually lossless, about a third of PNG's size.
JPEG_QUALITY = 90
#: Previews for the review queue: longest side in pixels, and their JPEG quality.
PREVIEW_SIDE = 480
PREVIEW_QUALITY = 80
#: DPI values a file may claim that we believe; 72/96 are screen defaults phones write.
PLAUSIBLE_DPI = range(100, 1201)
SIXTEEN_BIT_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})


def to_display_mode(img: Image.Image) -> Image.Image:
    """RGB, or L for grey images, with colours managed and transparency on white."""
    if img.mode in SIXTEEN_BIT_MODES:
        return img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if img.mode == "1":
        return img.convert("L")
    if img.mode in ("L", "LA", "La"):
        return _on_white(img.convert("LA"), "L") if img.mode != "L" else img
    if img.mode in ("P", "PA"):
        has_alpha = img.mode == "PA" or "transparency" in img.info
        return _on_white(img.convert("RGBA"), "RGB") if has_alpha else img.convert("RGB")
    if img.mode in ("RGBA", "RGBa"):
        return _on_white(img.convert("RGBA"), "RGB")
    managed = _apply_icc(img)
    return managed if managed.mode == "RGB" else managed.convert("RGB")


def _on_white(img: Image.Image, mode: str) -> Image.Image:
    paper = Image.new(mode, img.size, 255 if mode == "L" else (255, 255, 255))
    paper.paste(img.convert(mode), mask=img.getchannel("A"))
    return paper


def _apply_icc(img: Image.Image) -> Image.Image:
    """Convert to sRGB through the embedded profile; any trouble keeps the plain pixels."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "CMYK"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return (
            ImageCms.profileToProfile(img, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            or img
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        log.info("ignoring an unusable ICC profile: %s", exc)
        return img


def pixels_only(img: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no info, EXIF, XMP, comment or ICC profile."""
    fresh = Image.new(img.mode, img.size)
    fresh.paste(img)
    return fresh


def save_sanitized(img: Image.Image, target: Path, fmt: str) -> str:
    """Write the clean copy in `fmt` ("PNG" keeps scans lossless) and return its MIME type."""
    if fmt == "PNG":
        img.save(target, "PNG", compress_level=6)
        return "image/png"
    # 4:4:4 keeps the edges of small print sharp; the file grows only ~20%.
    img.save(target, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return "image/jpeg"


def save_preview(img: Image.Image, target: Path) -> None:
    preview = img.copy()
    preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    preview.save(target, "JPEG", quality=PREVIEW_QUALITY)


def believable_dpi(info: dict[str, object]) -> int | None:
    """The DPI a scan declares, if plausible; phones write 72 whatever the subject's size."""
    dpi = info.get("dpi")
    if not isinstance(dpi, tuple) or not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError):
        return None
    return value if value in PLAUSIBLE_DPI else None
