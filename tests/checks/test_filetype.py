"""The type comes from the bytes: names and declared types are never believed."""

from moderation.checks.base import FileCategory
from moderation.policy import Policy
from tests.checks import samples
from tests.checks.samples import failed


def test_html_named_jpg_is_refused_as_a_web_page(check):
    # Given a web page with a script, named like a photo
    outcomes, facts = check(samples.HTML, "photo.jpg")
    # Then it is refused for its real type, and the family is told what it really is
    assert failed(outcomes) == ["file_type"]
    assert facts.detected_type == "text/html"
    assert "網頁" in outcomes[0].message


def test_svg_with_script_is_refused(check):
    outcomes, facts = check(samples.SVG, "drawing.png")
    assert failed(outcomes) == ["file_type"]
    assert facts.detected_type == "image/svg+xml"


def test_zip_named_pdf_is_refused(check):
    outcomes, _ = check(samples.zip_bytes({"doc.pdf": b"%PDF-1.4"}), "household.pdf")
    assert failed(outcomes) == ["file_type"]


def test_executable_is_refused(check):
    outcomes, facts = check(samples.ELF, "scan.pdf")
    assert failed(outcomes) == ["file_type"]
    assert "executable" in (facts.detected_type or "")


def test_zero_byte_file_is_refused_as_empty(check):
    outcomes, _ = check(b"", "id.jpg")
    assert failed(outcomes) == ["file_empty"]


def test_png_named_pdf_is_checked_as_the_png_it_is(check):
    # Given a good PNG with the wrong extension
    outcomes, facts = check(samples.png(), "scan.pdf")
    # Then the content decides: it is accepted as a PNG
    assert failed(outcomes) == []
    assert facts.detected_type == "image/png"


def test_allowed_types_come_from_the_policy(check):
    # Given an institution that accepts photos only
    policy = Policy(allowed_types=("image/jpeg",))
    # When a PDF arrives
    outcomes, _ = check(samples.pdf_bytes(samples.pdf()), "doc.pdf", policy=policy)
    # Then it is refused and the message names what is accepted
    assert failed(outcomes) == ["file_type"]
    assert "JPG/JPEG" in outcomes[0].message


def test_category_does_not_change_the_type_check(check):
    outcomes, _ = check(samples.HTML, "photo.jpg", category=FileCategory.ATTACHMENT)
    assert failed(outcomes) == ["file_type"]
