"""An institution's policy: who may apply, what may be uploaded, how often families may post.

Stored as JSON on the institution so that each institution can differ (Taitung allows children
up to 18, the agency-wide rule 15; one photo of 10 MB vs three files of 20 MB in total…).
"""

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from moderation.relationships import Relationship

MB = 1024 * 1024

#: Types the checks accept unless the policy says otherwise (SPEC: PDF, PNG, JPG/JPEG).
DEFAULT_ALLOWED_TYPES = ("application/pdf", "image/png", "image/jpeg")
DEFAULT_RELATIONSHIPS = tuple(r.value for r in Relationship)


#: Each number's sound range (issue 13): 0 strikes would suspend on nothing, a 0-byte limit
#: would refuse every upload. Sizes in bytes: 1 KB up to 1 GB.
RANGES: dict[str, tuple[int, int]] = {
    "max_child_age": (0, 99),
    "max_files_per_category": (1, 20),
    "max_application_bytes": (1024, 1024 * MB),
    "needs_fix_hold_days": (1, 3650),
    "post_interval_days": (0, 366),
    "post_max_files": (1, 20),
    "post_max_bytes": (1024, 1024 * MB),
    "post_max_file_bytes": (1024, 1024 * MB),
    "post_title_max_chars": (1, 200),
    "post_body_max_chars": (1, 10_000),
    "strikes_to_suspend": (1, 100),
    "suspension_days": (1, 3650),
    "appeal_days": (0, 365),
    "min_document_pixels_short_side": (1, 10_000),
    "min_photo_pixels_short_side": (1, 10_000),
    "max_image_pixels": (10_000, 500_000_000),
    "max_pdf_pages": (1, 1000),
    "pdf_view_dpi": (50, 600),
    "pdf_ocr_dpi": (100, 600),
    "pdf_ocr_pages": (1, 50),
}


@dataclass(frozen=True)
class Policy:
    max_child_age: int = 15
    allowed_relationships: tuple[str, ...] = DEFAULT_RELATIONSHIPS
    applicant_photo_required: bool = False
    # Service applications
    max_files_per_category: int = 4
    max_application_bytes: int = 30 * MB
    allowed_types: tuple[str, ...] = DEFAULT_ALLOWED_TYPES
    #: An application left in needs_fix this long stops holding its inmate for another family.
    needs_fix_hold_days: int = 60
    #: Per file category (`FileCategory` values: "identity_documents", "relationship_documents",
    #: "applicant_photo", "attachments", "institution_files"), the types it accepts instead of
    #: `allowed_types`, e.g. {"attachments": ("image/jpeg", "image/png")} for photo-only posts.
    #: A category not listed uses `allowed_types`.
    allowed_types_by_category: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Posts
    post_interval_days: int = 30
    post_max_files: int = 3
    post_max_bytes: int = 20 * MB
    post_max_file_bytes: int = 20 * MB
    post_title_max_chars: int = 20
    post_body_max_chars: int = 100
    # Strikes
    strikes_to_suspend: int = 3
    suspension_days: int = 30
    #: A family may appeal a strike once, within this many days.
    appeal_days: int = 14
    # Image checks
    min_document_pixels_short_side: int = 600
    min_photo_pixels_short_side: int = 300
    max_image_pixels: int = 40_000_000
    max_pdf_pages: int = 10
    #: PDF pages are rendered at this DPI for the sanitized copy reviewers read.
    pdf_view_dpi: int = 200
    #: …and the first `pdf_ocr_pages` again at this DPI for OCR (tesseract reads ~300 best).
    pdf_ocr_dpi: int = 300
    pdf_ocr_pages: int = 3
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["allowed_relationships"] = list(self.allowed_relationships)
        data["allowed_types"] = list(self.allowed_types)
        data["allowed_types_by_category"] = {
            category: list(types) for category, types in self.allowed_types_by_category.items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Policy":
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in (data or {}).items() if k in known}
        for key in ("allowed_relationships", "allowed_types"):
            if key in clean:
                clean[key] = tuple(clean[key])
        if "allowed_types_by_category" in clean:
            by_category = clean["allowed_types_by_category"] or {}
            clean["allowed_types_by_category"] = {
                str(category): tuple(types) for category, types in by_category.items()
            }
        return cls(**clean)

    def problems(self) -> dict[str, tuple[str, str]]:
        """Values that cannot work, {field: (中文, English)}; empty when the policy is sound."""
        found: dict[str, tuple[str, str]] = {}
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if not low <= value <= high:
                found[name] = (f"須介於 {low} 與 {high} 之間（現為 {value}）",
                               f"must be {low} to {high} (is {value})")  # fmt: skip
        if self.post_max_file_bytes > self.post_max_bytes:
            found["post_max_file_bytes"] = (
                "單一附件上限不可大於附件總量上限",
                "one attachment's limit cannot exceed the attachments' total",
            )
        return found

    def allowed_types_for(self, category: str) -> tuple[str, ...]:
        """The types a file of `category` may be: its own list if the policy has one."""
        return self.allowed_types_by_category.get(str(category), self.allowed_types)

    def public(self) -> dict[str, Any]:
        """What families may see (GET /institutions)."""
        data = self.to_json()
        data.pop("extra", None)
        return data
