"""The sanitized copy carries pixels only: no GPS, EXIF, XMP, comments or ICC profile."""

import io
import struct

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.checks import samples
from tests.checks.samples import failed

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-location</rdf:RDF></x:xmpmeta>'


def jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of the segments before the first scan (APPn, COM, DQT…)."""
    pos, markers = 2, []
    while pos < len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    pos, chunks = 8, []
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        chunks.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return chunks


def test_jpeg_with_gps_exif_has_no_exif_in_sanitized_copy(check):
    # Given a phone photo carrying GPS coordinates in EXIF
    original = samples.jpeg(exif=samples.gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    # When it is checked
    outcomes, facts = check(original, "kids.jpg")
    # Then the sanitized copy has no EXIF at all, GPS included
    assert failed(outcomes) == []
    clean = Image.open(facts.sanitized_path)
    assert not clean.getexif()
    assert 0xE1 not in jpeg_segments(facts.sanitized_path.read_bytes())  # no APP1


def test_jpeg_comment_is_not_carried_over(check):
    original = samples.jpeg(comment=b"taken at Taitung prison gate")
    _, facts = check(original, "kids.jpg")
    assert 0xFE not in jpeg_segments(facts.sanitized_path.read_bytes())  # no COM


def test_jpeg_icc_profile_is_not_carried_over(check):
    _, facts = check(samples.jpeg(icc_profile=samples.srgb_icc()), "kids.jpg")
    assert 0xE2 not in jpeg_segments(facts.sanitized_path.read_bytes())  # no APP2


def test_jpeg_xmp_is_not_carried_over(check):
    _, facts = check(samples.jpeg(xmp=XMP), "kids.jpg")
    assert b"secret-location" not in facts.sanitized_path.read_bytes()


def test_png_metadata_chunks_are_not_carried_over(check):
    # Given a PNG with EXIF, text, and an ICC profile
    info = PngInfo()
    info.add_text("Comment", "home address")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    original = samples.png(pnginfo=info, exif=samples.gps_exif(), icc_profile=samples.srgb_icc())
    _, facts = check(original, "scan.png")
    # Then only image chunks remain
    chunks = set(png_chunks(facts.sanitized_path.read_bytes()))
    assert chunks <= {b"IHDR", b"IDAT", b"IEND", b"PLTE"}


def test_preview_has_no_metadata_either(check):
    _, facts = check(samples.jpeg(exif=samples.gps_exif(), comment=b"x"), "kids.jpg")
    markers = jpeg_segments(facts.preview_path.read_bytes())
    assert 0xE1 not in markers and 0xFE not in markers


def test_sanitized_jpeg_keeps_good_quality(check):
    # Families complain about shrunken grey prints: same size, close pixels
    original = samples.photo((1600, 1200))
    _, facts = check(samples.jpeg(original, quality=95), "kids.jpg")
    clean = Image.open(facts.sanitized_path)
    assert clean.size == original.size
    error = sum(abs(a - b) for a, b in zip(clean.getpixel((600, 450)), (200, 30, 30), strict=True))
    assert error < 15
