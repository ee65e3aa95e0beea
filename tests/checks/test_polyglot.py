"""Files that are two formats at once are refused; harmless trailing bytes are stripped."""

import mmap

from PIL import Image

from moderation.checks.polyglot import jpeg_end
from tests.checks import samples
from tests.checks.samples import codes, failed


def test_jpeg_with_zip_appended_is_refused(check):
    # Given a valid JPEG that is also a valid ZIP archive
    outcomes, _ = check(samples.jpeg() + samples.zip_bytes(), "photo.jpg")
    # Then it is refused as a polyglot before any decoder looks at it
    assert failed(outcomes) == ["file_polyglot"]


def test_png_with_zip_appended_is_refused(check):
    outcomes, _ = check(samples.png() + samples.zip_bytes(), "scan.png")
    assert failed(outcomes) == ["file_polyglot"]


def test_pdf_hidden_in_a_jpeg_comment_is_refused(check):
    # Given a JPEG whose comment segment holds a PDF (opens as a PDF in lenient readers)
    data = samples.jpeg(comment=samples.pdf_bytes(samples.pdf()))
    outcomes, _ = check(data, "photo.jpg")
    assert failed(outcomes) == ["file_polyglot"]


def test_program_appended_to_a_jpeg_is_refused(check):
    outcomes, _ = check(samples.jpeg() + samples.ELF, "photo.jpg")
    assert failed(outcomes) == ["file_polyglot"]


def test_html_appended_to_a_png_is_refused(check):
    outcomes, _ = check(samples.png() + samples.HTML, "scan.png")
    assert failed(outcomes) == ["file_polyglot"]


def test_pdf_with_zip_appended_is_refused(check):
    data = samples.pdf_bytes(samples.pdf()) + samples.zip_bytes()
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["file_polyglot"]


def test_png_with_plain_trailing_bytes_is_accepted_and_stripped(check):
    # Given a PNG followed by bytes of no known format (a vendor trailer)
    data = samples.png() + b"VENDOR-TRAILER-" * 100
    outcomes, facts = check(data, "scan.png")
    # Then it is accepted, the reviewer is told, and the safe copy has nothing after IEND
    assert failed(outcomes) == []
    assert "trailing_data_stripped" in codes(outcomes)
    assert facts.stripped_bytes == 1500
    assert facts.sanitized_path.read_bytes().endswith(b"IEND\xaeB`\x82")


def test_jpeg_sanitized_copy_ends_at_its_own_end(check):
    outcomes, facts = check(samples.jpeg() + b"motion-photo-video-bytes" * 50, "photo.jpg")
    assert failed(outcomes) == []
    data = facts.sanitized_path.read_bytes()
    assert data.endswith(b"\xff\xd9")
    assert b"motion-photo" not in data


def test_padding_after_jpeg_end_is_not_reported(check):
    outcomes, facts = check(samples.jpeg() + b"\x00" * 32, "photo.jpg")
    assert "trailing_data_stripped" not in codes(outcomes)
    assert facts.stripped_bytes == 0


def test_jpeg_end_walks_past_ff_bytes_inside_scan_data(tmp_path):
    # Given a noisy JPEG: its entropy-coded data is full of stuffed 0xFF00 pairs
    noise = Image.effect_noise((400, 300), 120).convert("RGB")
    data = samples.jpeg(noise)
    path = tmp_path / "noise.jpg"
    path.write_bytes(data + b"tail")
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        # Then the end found is exactly the EOI marker's end
        assert jpeg_end(mm) == len(data)


def test_zip_inside_a_private_png_chunk_is_refused(check):
    # Given a PNG/ZIP polyglot whose archive sits inside the image (nothing trails IEND)
    data = samples.png_with_chunk(b"zIPf", samples.zip_bytes({"notes.txt": b"hello"}))
    outcomes, _ = check(data, "scan.png")
    # Then the archive's directory near the end still gives it away
    assert failed(outcomes) == ["file_polyglot"]
