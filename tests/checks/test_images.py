"""Images: header size before decoding, full decode, resolution per category, odd modes."""

import time

import pytest
from PIL import Image

from moderation.file_rules import FileCategory
from moderation.policy import Policy
from tests.checks import samples
from tests.checks.samples import codes, failed


def test_truncated_jpeg_is_refused_as_unreadable(check):
    data = samples.jpeg()
    outcomes, _ = check(data[: len(data) // 2], "photo.jpg")
    assert failed(outcomes) == ["image_unreadable"]


def test_tiny_png_declaring_100000_by_100000_is_refused_without_decoding(check):
    # Given a 100-byte PNG whose header claims ten gigapixels
    data = samples.png_declaring(100_000, 100_000)
    started = time.perf_counter()
    outcomes, facts = check(data, "bomb.png")
    # Then it is refused from the header, at once (no 30 GB buffer was allocated)
    assert failed(outcomes) == ["image_too_many_pixels"]
    assert time.perf_counter() - started < 1
    assert facts.sanitized_path is None


def test_tiny_jpeg_declaring_65000_by_65000_is_refused_without_decoding(check):
    # Given a 2 KB JPEG whose frame header claims 4.2 gigapixels (12 GB to decode)
    data = samples.jpeg_declaring(65_000, 65_000)
    started = time.perf_counter()
    outcomes, facts = check(data, "bomb.jpg")
    # Then it is refused from the header, at once
    assert failed(outcomes) == ["image_too_many_pixels"]
    assert time.perf_counter() - started < 1
    assert facts.sanitized_path is None
    assert "?" not in outcomes[-1].message  # Pillow refused before the size was known


def test_policy_pixel_ceiling_applies_below_pillows_own(check):
    # Given a policy ceiling of one megapixel and a 1.2-megapixel photo
    outcomes, facts = check(samples.jpeg(), "photo.jpg", policy=Policy(max_image_pixels=1_000_000))
    assert failed(outcomes) == ["image_too_many_pixels"]
    assert (facts.width, facts.height) == (1200, 900)


def test_document_below_minimum_resolution_is_refused(check):
    small = samples.jpeg(samples.photo((500, 400)))
    outcomes, _ = check(small, "id.jpg", category=FileCategory.IDENTITY)
    assert failed(outcomes) == ["image_resolution_too_low"]


def test_photo_category_has_its_own_lower_minimum(check):
    # The same 500×400 picture is fine as a post's photo (minimum 300 px, not 600)
    small = samples.jpeg(samples.photo((500, 400)))
    outcomes, _ = check(small, "kids.jpg", category=FileCategory.ATTACHMENT)
    assert failed(outcomes) == []


def test_exif_orientation_is_applied(check):
    # Given a landscape-stored photo whose EXIF says "rotate 90° to view"
    data = samples.jpeg(samples.photo((1200, 900)), exif=samples.orientation_exif(6))
    outcomes, facts = check(data, "phone.jpg")
    # Then the checks and the sanitized copy see it upright (portrait)
    assert failed(outcomes) == []
    assert (facts.width, facts.height) == (900, 1200)
    assert Image.open(facts.sanitized_path).size == (900, 1200)


def test_resolution_is_judged_after_orientation(check):
    data = samples.jpeg(samples.photo((700, 650)), exif=samples.orientation_exif(8))
    outcomes, facts = check(data, "id.jpg")
    assert failed(outcomes) == []
    assert (facts.width, facts.height) == (650, 700)


def test_cmyk_jpeg_becomes_rgb(check):
    outcomes, facts = check(samples.jpeg(samples.photo(mode="CMYK")), "print.jpg")
    assert failed(outcomes) == []
    assert Image.open(facts.sanitized_path).mode == "RGB"


def close_to(pixel: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def test_pure_cmyk_red_comes_out_red(check):
    # Given a CMYK print file in pure red (no cyan, full magenta and yellow, no black)
    img = Image.new("CMYK", (800, 800), (0, 255, 255, 0))
    outcomes, facts = check(samples.jpeg(img, quality=95), "print.jpg")
    # Then the sanitized copy is red, not grey or washed out
    assert failed(outcomes) == []
    assert close_to(Image.open(facts.sanitized_path).getpixel((400, 400)), RED)


def test_embedded_colour_profile_is_applied_to_the_pixels(check):
    # Given red pixels tagged with a profile under which they mean sRGB blue
    img = Image.new("RGB", (800, 800), RED)
    data = samples.jpeg(img, quality=95, icc_profile=samples.srgb_with_red_and_blue_swapped())
    outcomes, facts = check(data, "phone.jpg")
    # Then the sanitized copy, which has no profile, holds the colour the profile meant
    assert failed(outcomes) == []
    clean = Image.open(facts.sanitized_path)
    assert "icc_profile" not in clean.info
    assert close_to(clean.getpixel((400, 400)), BLUE)


#: Where the stored top-left (red) and top-right (green) corners must be seen, per EXIF
#: orientation (TIFF 6.0: which stored row and column are the visual top and left).
CORNERS = {
    2: ("top-right", "top-left"),  # mirrored
    3: ("bottom-right", "bottom-left"),  # rotated 180°
    4: ("bottom-left", "bottom-right"),  # flipped
    5: ("top-left", "bottom-left"),  # transposed
    6: ("top-right", "bottom-right"),  # to be turned 90° clockwise
    7: ("bottom-right", "top-right"),  # transversed
    8: ("bottom-left", "top-left"),  # to be turned 90° counter-clockwise
}


def corner_pixel(img: Image.Image, corner: str) -> tuple[int, ...]:
    """A pixel well inside the 150-px square at `corner`."""
    x = 40 if corner.endswith("left") else img.width - 41
    y = 40 if corner.startswith("top") else img.height - 41
    return img.getpixel((x, y))


@pytest.mark.parametrize("orientation", sorted(CORNERS))
def test_exif_orientation_puts_each_corner_where_the_viewer_sees_it(check, orientation):
    # Given a photo stored landscape with marked corners and an EXIF orientation
    data = samples.jpeg(samples.corner_marked(), exif=samples.orientation_exif(orientation))
    outcomes, facts = check(data, "phone.jpg", category=FileCategory.ATTACHMENT)
    assert failed(outcomes) == []
    # Then the sanitized copy shows the red and green corners where a viewer would
    clean = Image.open(facts.sanitized_path)
    red_at, green_at = CORNERS[orientation]
    assert close_to(corner_pixel(clean, red_at), RED, 40)
    assert close_to(corner_pixel(clean, green_at), GREEN, 40)


def test_sixteen_bit_grey_is_scaled_not_clipped_to_white(check):
    # Given a 16-bit grey PNG at mid grey (32768 of 65535)
    img = Image.new("I;16", (800, 800), 32768)
    outcomes, facts = check(samples.png(img), "scan.png")
    # Then the sanitized copy is 8-bit mid grey, not white
    assert failed(outcomes) == []
    clean = Image.open(facts.sanitized_path)
    assert clean.mode == "L"
    assert clean.getpixel((10, 10)) == 128


def test_transparent_palette_image_lies_on_white(check):
    img = Image.new("P", (800, 800), 0)
    img.putpalette([0, 0, 0] * 256)
    img.info["transparency"] = 0
    outcomes, facts = check(samples.png(img, transparency=0), "scan.png")
    assert failed(outcomes) == []
    clean = Image.open(facts.sanitized_path)
    assert clean.mode == "RGB"
    assert clean.getpixel((10, 10)) == (255, 255, 255)


def test_rgba_image_lies_on_white(check):
    img = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    outcomes, facts = check(samples.png(img), "scan.png")
    assert failed(outcomes) == []
    assert Image.open(facts.sanitized_path).getpixel((1, 1)) == (255, 255, 255)


def test_animated_png_keeps_the_first_frame_and_says_so(check):
    frames = [samples.photo((800, 800)), Image.new("RGB", (800, 800), "blue")]
    data = samples.png(frames[0], save_all=True, append_images=frames[1:])
    outcomes, facts = check(data, "anim.png")
    assert failed(outcomes) == []
    assert "image_first_frame_only" in codes(outcomes)
    assert Image.open(facts.sanitized_path).getpixel((799, 0)) != (0, 0, 255)


def test_declared_scan_dpi_is_passed_to_ocr(check):
    outcomes, facts = check(samples.png(dpi=(300, 300)), "scan.png")
    assert failed(outcomes) == []
    assert facts.ocr_images == [(facts.sanitized_path, 300)]


def test_phone_default_72_dpi_is_not_believed(check):
    outcomes, facts = check(samples.jpeg(dpi=(72, 72)), "phone.jpg")
    assert failed(outcomes) == []
    assert facts.ocr_images[0][1] is None


def test_preview_is_small(check):
    _, facts = check(samples.jpeg(samples.photo((3000, 2000))), "photo.jpg")
    assert max(Image.open(facts.preview_path).size) == 480


def test_pillows_bomb_warning_is_an_error_even_under_a_lax_policy(check):
    # Given a policy ceiling above Pillow's own warning threshold (89 megapixels)
    lax = Policy(max_image_pixels=500_000_000)
    # When a tiny PNG declares 100 megapixels (Pillow only warns)
    outcomes, _ = check(samples.png_declaring(10_000, 10_000), "bomb.png", policy=lax)
    # Then it is still refused before decoding
    assert failed(outcomes) == ["image_too_many_pixels"]
