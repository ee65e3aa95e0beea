"""The type comes from the bytes: names and declared types are never believed."""

from moderation.file_rules import FileCategory
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


PHOTOS_ONLY_POSTS = Policy(allowed_types_by_category={"attachments": ("image/jpeg", "image/png")})


def test_category_with_its_own_types_refuses_a_pdf(check):
    # Given an institution whose post attachments must be photos
    data = samples.pdf_bytes(samples.pdf())
    # When a post attaches a PDF
    outcomes, _ = check(
        data, "letter.pdf", category=FileCategory.ATTACHMENT, policy=PHOTOS_ONLY_POSTS
    )
    # Then it is refused, saying it is a PDF and what this field takes
    assert failed(outcomes) == ["file_type"]
    assert "PDF" in outcomes[0].message and "JPG/JPEG、PNG" in outcomes[0].message
    assert "only JPG/JPEG, PNG is accepted here" in outcomes[0].message_en


def test_category_without_its_own_types_uses_the_general_list(check):
    # The same PDF is still fine as an application's household register
    data = samples.pdf_bytes(samples.pdf())
    outcomes, _ = check(
        data, "household.pdf", category=FileCategory.RELATIONSHIP, policy=PHOTOS_ONLY_POSTS
    )
    assert failed(outcomes) == []


def test_category_with_its_own_types_accepts_them(check):
    outcomes, _ = check(
        samples.jpeg(), "kids.jpg", category=FileCategory.ATTACHMENT, policy=PHOTOS_ONLY_POSTS
    )
    assert failed(outcomes) == []


def test_policy_json_without_per_category_types_still_loads():
    # Institutions' stored policies predate the per-category lists
    policy = Policy.from_json({"allowed_types": ["image/jpeg"], "max_child_age": 18})
    assert policy.allowed_types_by_category == {}
    assert policy.allowed_types_for(FileCategory.ATTACHMENT) == ("image/jpeg",)


def test_policy_json_round_trips_per_category_types():
    stored = PHOTOS_ONLY_POSTS.to_json()
    assert stored["allowed_types_by_category"] == {"attachments": ["image/jpeg", "image/png"]}
    assert Policy.from_json(stored) == PHOTOS_ONLY_POSTS
