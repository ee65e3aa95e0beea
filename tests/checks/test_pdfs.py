"""PDFs: active content refused, locked files sent back, pages rendered for review and OCR."""

import dataclasses
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from moderation.checks.pdfs import RAW_ACTIVE, find_active_content, raw_active_content
from moderation.checks.pipeline import check_file
from moderation.policy import Policy
from tests.checks import samples
from tests.checks.samples import failed


def test_document_level_javascript_is_refused(check):
    outcomes, _ = check(samples.pdf_with_document_js(), "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_open_action_javascript_is_refused(check):
    outcomes, _ = check(samples.pdf_with_open_action("javascript"), "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_javascript_in_a_link_annotation_is_refused(check):
    outcomes, _ = check(samples.pdf_with_page_link_js(), "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_launch_action_is_refused(check):
    outcomes, _ = check(samples.pdf_with_open_action("launch"), "doc.pdf")
    assert failed(outcomes) == ["pdf_launch_action"]


def test_embedded_file_is_refused(check):
    writer = samples.pdf()
    writer.add_attachment("payload.exe", b"MZ...")
    outcomes, _ = check(samples.pdf_bytes(writer), "doc.pdf")
    assert failed(outcomes) == ["pdf_embedded_file"]


def test_javascript_with_escaped_names_is_found_by_the_object_walk(check):
    # Given JavaScript whose names are written with #xx escapes
    data = samples.pdf_with_escaped_javascript_name()
    assert RAW_ACTIVE.search(data) is None  # a plain byte pattern does not see it
    # Then walking the objects still finds it (pypdf decodes the names)
    assert find_active_content(PdfReader(io.BytesIO(data)), 10**8) == "pdf_javascript"
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_javascript_in_an_object_no_xref_lists_is_found_by_the_byte_scan(check):
    # Given JavaScript in an object the xref leaves out (a viewer rebuilding a damaged xref
    # finds it; pypdf, trusting the xref, does not)
    data = samples.pdf_with_unlisted_object(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert find_active_content(PdfReader(io.BytesIO(data)), 10**8) is None
    # Then the scan of the raw bytes refuses it
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_escaped_launch_name_in_an_object_no_xref_lists_is_found_by_the_byte_scan(check):
    # Given /L#61unch (read as /Launch) where only the bytes can show it
    data = samples.pdf_with_unlisted_object(b"<< /S /L#61unch /F (cmd.exe) >>")
    assert RAW_ACTIVE.search(data) is None
    assert find_active_content(PdfReader(io.BytesIO(data)), 10**8) is None
    # Then the byte scan decodes the escape as a reader would
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_launch_action"]


def test_open_action_javascript_in_a_compressed_object_stream_is_refused(check):
    # Given the catalog and its JavaScript open action inside a Flate-compressed object stream
    data = samples.pdf_with_object_stream(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            b"<< /S /JavaScript /JS (app.alert(1)) >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )
    assert raw_active_content(data) is None  # nothing to see in the bytes
    # Then the object walk, which reads object streams, refuses it
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_unreferenced_javascript_in_an_object_stream_is_refused(check):
    # Given JavaScript that nothing refers to, compressed: only the xref lists it
    data = samples.pdf_with_object_stream(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /S /JavaScript /JS (app.alert(1)) >>",
        ]
    )
    assert raw_active_content(data) is None
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_page_open_action_javascript_is_refused(check):
    data = samples.pdf_with_page_actions(b"<< /O << /S /JavaScript /JS (app.alert(1)) >> >>")
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_javascript"]


def test_page_close_action_launch_is_refused(check):
    data = samples.pdf_with_page_actions(b"<< /C << /S /Launch /F (cmd.exe) >> >>")
    outcomes, _ = check(data, "doc.pdf")
    assert failed(outcomes) == ["pdf_launch_action"]


def test_rich_media_annotation_is_refused(check):
    outcomes, _ = check(samples.pdf_with_rich_media(), "doc.pdf")
    assert failed(outcomes) == ["pdf_rich_media"]


def test_password_protected_pdf_is_sent_back_with_advice(check):
    data = samples.pdf_as_is(samples.pdf(), user="secret")
    outcomes, _ = check(data, "household.pdf")
    assert failed(outcomes) == ["pdf_encrypted"]
    assert "密碼" in outcomes[-1].message and "列印" in outcomes[-1].message


def test_owner_password_only_pdf_is_accepted(check):
    # Printing restrictions only: every viewer opens it without asking
    data = samples.pdf_as_is(samples.pdf(), owner="owner-secret")
    outcomes, _ = check(data, "household.pdf")
    assert failed(outcomes) == []


def test_owner_password_only_aes_pdf_is_accepted(check):
    pytest.importorskip("cryptography", reason="pypdf needs it to decrypt AES")
    data = samples.pdf_as_is(samples.pdf(), owner="owner-secret", algorithm="AES-256")
    outcomes, _ = check(data, "household.pdf")
    assert failed(outcomes) == []


def test_aes_pdf_with_a_user_password_is_sent_back(check):
    pytest.importorskip("cryptography", reason="pypdf needs it to write AES")
    data = samples.pdf_as_is(samples.pdf(), user="secret", algorithm="AES-256")
    outcomes, _ = check(data, "household.pdf")
    assert failed(outcomes) == ["pdf_encrypted"]


def test_too_many_pages_is_refused(check):
    data = samples.pdf_bytes(samples.pdf(pages=4))
    outcomes, facts = check(data, "doc.pdf", policy=Policy(max_pdf_pages=3))
    assert failed(outcomes) == ["pdf_too_many_pages"]
    assert facts.pages == 4


def test_truncated_pdf_is_refused_as_unreadable(check):
    data = samples.pdf_bytes(samples.pdf())
    outcomes, _ = check(data[:400], "doc.pdf")
    assert failed(outcomes) == ["pdf_unreadable"]


def test_first_pages_are_rendered_for_ocr_at_300_dpi(check):
    # Given a 5-page letter and the default policy (OCR on the first 3 pages)
    outcomes, facts = check(samples.pdf_bytes(samples.pdf(pages=5)), "letter.pdf")
    assert failed(outcomes) == []
    # Then three greyscale renders at 300 dpi are ready for OCR
    assert [dpi for _, dpi in facts.ocr_images] == [300, 300, 300]
    first = Image.open(facts.ocr_images[0][0])
    assert first.mode == "L"
    width, height = first.size
    assert abs(width - 2480) <= 1 and abs(height - 3508) <= 1  # A4 at 300 dpi


def test_sanitized_pdf_is_pages_as_images_only(check):
    _, facts = check(samples.pdf_bytes(samples.pdf(pages=2)), "letter.pdf")
    assert facts.sanitized_type == "application/pdf"
    reader = PdfReader(facts.sanitized_path)
    assert len(reader.pages) == 2
    assert reader.pages[0].extract_text().strip() == ""  # no text, fonts or scripts: pixels
    assert len(reader.pages[0].images) == 1


def test_huge_page_is_rendered_within_the_pixel_ceiling(check):
    # Given a page declaring 200 × 200 inches (3.6 gigapixels at 300 dpi)
    data = samples.pdf_bytes(samples.pdf(pages=1, size=(14_400, 14_400)))
    outcomes, facts = check(data, "poster.pdf", policy=Policy(max_image_pixels=4_000_000))
    assert failed(outcomes) == []
    width, height = Image.open(facts.ocr_images[0][0]).size
    assert width * height <= 4_000_000


def test_image_declaring_too_many_pixels_is_refused_before_rendering(check):
    # Given a 300 KB PDF whose image inflates to 300 MB (100 megapixels)
    outcomes, facts = check(samples.pdf_with_image_bomb(), "doc.pdf")
    # Then it is refused from the image's declared size; nothing was rendered
    assert failed(outcomes) == ["pdf_image_too_many_pixels"]
    assert facts.ocr_images == []


def test_image_within_the_ceiling_is_rendered(check):
    outcomes, _ = check(samples.pdf_with_image_bomb(1000, 1000), "doc.pdf")
    assert failed(outcomes) == []


def test_without_ocr_renders_the_pdf_is_still_rendered_and_sanitized(make_file, ctx):
    # Given the worker's context: its OCR stage reads the stored PDF, not these renders
    worker_ctx = dataclasses.replace(ctx, ocr_renders=False)
    pdf = make_file(samples.pdf_bytes(samples.pdf(pages=2)), "letter.pdf")
    outcomes, facts = check_file(pdf, worker_ctx)
    # Then every check ran and passed, the sanitized copy and preview exist, no OCR image
    assert failed(outcomes) == []
    assert "pdf_rendered" in [o.code for o in outcomes]
    assert len(PdfReader(facts.sanitized_path).pages) == 2
    assert facts.preview_path.exists()
    assert facts.ocr_images == []
    assert not list(ctx.work_dir.glob("*ocr*"))
