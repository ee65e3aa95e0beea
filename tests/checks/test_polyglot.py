"""Files that are two formats at once are refused; harmless trailing bytes are stripped."""

import mmap

import pytest
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


def test_web_page_before_a_pdf_is_refused(check):
    # Given a web page with a script, then a whole PDF (libmagic still says "PDF")
    data = b"<html><script>alert(1)</script></html>\n" + samples.pdf_bytes(samples.pdf())
    outcomes, facts = check(data, "household.pdf")
    # Then the PDF must start at byte 0: refused as two files in one
    assert facts.detected_type == "application/pdf"
    assert failed(outcomes) == ["file_polyglot"]


def test_junk_bytes_before_a_pdf_are_refused(check):
    data = b"J" * 100 + samples.pdf_bytes(samples.pdf())
    outcomes, facts = check(data, "household.pdf")
    assert facts.detected_type == "application/pdf"
    assert failed(outcomes) == ["file_polyglot"]


@pytest.mark.parametrize(
    "payload",
    [samples.HTML, samples.RAR, samples.ELF, b"<svg/onload=alert(1)>"],
    ids=["html", "rar", "elf", "svg"],
)
def test_file_spliced_into_a_pdf_before_a_fresh_eof_is_refused(check, payload):
    # Given a PDF with another file after its %%EOF, then startxref and %%EOF again
    outcomes, _ = check(samples.pdf_with_payload_before_a_fresh_eof(payload), "doc.pdf")
    # Then what lies outside the PDF's streams gives it away
    assert failed(outcomes) == ["file_polyglot"]
    assert "其他檔案" in outcomes[-1].message and "another file" in outcomes[-1].message_en


def test_second_pdf_appended_to_a_pdf_is_refused(check):
    # Two documents in one file: viewers disagree on which one they show
    data = samples.pdf_bytes(samples.pdf()) + samples.pdf_bytes(samples.pdf(pages=2))
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["file_polyglot"]


def test_pdf_with_an_incremental_update_is_accepted(check):
    # Given a PDF saved again by a viewer: a second xref section and %%EOF appended
    original = samples.pdf_bytes(samples.pdf())
    data = samples.pdf_incremental_update(original)
    assert data.startswith(original) and data.count(b"%%EOF") == 2
    outcomes, _ = check(data, "household.pdf")
    assert failed(outcomes) == []


def test_pdf_comment_with_xhtml_rich_text_is_accepted(check):
    # Acrobat writes comments' rich text as <body xmlns=…>: inert, and common in real files
    outcomes, _ = check(samples.pdf_with_rich_text_comment(), "household.pdf")
    assert failed(outcomes) == []


def test_script_in_a_pdf_string_is_refused(check):
    # Given a web page in the document's title, outside any stream
    data = samples.pdf_with_info_title(b"<script>fetch('//x')</script>")
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["file_polyglot"]


def test_markers_inside_a_pdf_stream_body_are_not_counted(check):
    # Given a page image whose raw bytes happen to hold a ZIP and an ELF signature
    data = samples.pdf_with_image_bytes(b"PK\x03\x04\x7fELF" + bytes(range(256)) * 40)
    outcomes, _ = check(data, "scan.pdf")
    # Then compressed or binary data in streams is not taken for another file
    assert failed(outcomes) == []


def test_svg_with_a_handler_in_a_jpeg_comment_is_refused(check):
    data = samples.jpeg(comment=b'<svg onload="alert(1)">')
    outcomes, _ = check(data, "photo.jpg")
    assert failed(outcomes) == ["file_polyglot"]


def test_svg_in_a_png_text_chunk_is_refused(check):
    data = samples.png_with_chunk(b"tEXt", b"Comment\x00<SVG/OnLoad=alert(1)>")
    outcomes, _ = check(data, "scan.png")
    assert failed(outcomes) == ["file_polyglot"]


def test_body_with_a_handler_in_a_jpeg_comment_is_refused(check):
    data = samples.jpeg(comment=b"<BODY onload=alert(1)>")
    outcomes, _ = check(data, "photo.jpg")
    assert failed(outcomes) == ["file_polyglot"]


def test_svg_letters_without_a_tag_are_not_counted(check):
    # "<svg" followed by binary, as compressed pixels may hold by chance
    data = samples.jpeg(comment=b"<svg\x00\x9c\x01")
    outcomes, _ = check(data, "photo.jpg")
    assert failed(outcomes) == []
