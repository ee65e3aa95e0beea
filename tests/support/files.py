"""Real files built in code: document photos and scans with Chinese text, and PDFs."""

import io

from PIL import Image, ImageDraw

from familybook.demo_files import cjk_font, text_page


def document_image(lines: list[str], size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """A white page with black text lines (an A4 scan at 150 dpi by default)."""
    return text_page(lines, size, max(size[0] // 30, 12))


def id_card_jpeg(
    name: str = "王小明",
    national_id: str = "A123456789",
    birth: str = "民國74年2月3日",
    exif: bytes | None = None,
) -> bytes:
    img = document_image(
        ["中華民國國民身分證", f"姓名 {name}", f"出生年月日 {birth}", f"統一編號 {national_id}"],
        size=(1280, 812),
    )
    out = io.BytesIO()
    if exif is not None:
        img.save(out, "JPEG", quality=90, exif=exif)
    else:
        img.save(out, "JPEG", quality=90)
    return out.getvalue()


def household_pdf(rows: list[tuple[str, str, str]] | None = None) -> bytes:
    out = io.BytesIO()
    _household_page(rows).save(out, "PDF", resolution=150)
    return out.getvalue()


def household_jpeg(rows: list[tuple[str, str, str]] | None = None) -> bytes:
    """The register page photographed: what most families send, and quicker to check than
    a PDF (no page to render)."""
    out = io.BytesIO()
    _household_page(rows).save(out, "JPEG", quality=85)
    return out.getvalue()


def _household_page(rows: list[tuple[str, str, str]] | None) -> Image.Image:
    rows = rows or [("戶長", "王大明", "A123456780"), ("配偶", "王小明", "A123456789")]
    lines = ["戶籍謄本", "稱謂　姓名　統一編號"] + ["　".join(r) for r in rows]
    return document_image(lines)


def png_photo(size: tuple[int, int] = (800, 600)) -> bytes:
    img = Image.new("RGB", size, (120, 170, 220))
    ImageDraw.Draw(img).text((40, 40), "全家福", fill="black", font=cjk_font(60))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


def id_card_with_portrait(
    seed: int, name: str = "王小明", national_id: str = "A123456789"
) -> bytes:
    """An ID card with a portrait (shapes and colours drawn from `seed`): two people's cards
    share the layout but not the picture, as real cards do."""
    import random

    img = document_image(
        [
            "中華民國國民身分證",
            f"姓名 {name}",
            "出生年月日 民國74年2月3日",
            f"統一編號 {national_id}",
        ],
        size=(1280, 812),
    ).convert("RGB")
    draw, rnd = ImageDraw.Draw(img), random.Random(seed)
    x, y = 900, 250
    draw.rectangle((x, y, x + 300, y + 400), fill=(rnd.randint(150, 230),) * 3)
    for _ in range(8):
        cx, cy, r = x + rnd.randint(30, 270), y + rnd.randint(30, 370), rnd.randint(20, 90)
        colour = (rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def rephotographed(jpeg: bytes) -> bytes:
    """The same card photographed again: a little shifted and cropped, smaller, blurred, and
    saved at a lower JPEG quality."""
    from PIL import ImageFilter

    img = Image.open(io.BytesIO(jpeg)).convert("RGB")
    w, h = img.size
    img = img.crop((12, 8, w - 6, h - 10)).resize((int(w * 0.8), int(h * 0.8)))
    img = img.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60)
    return out.getvalue()
