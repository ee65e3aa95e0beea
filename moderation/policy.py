"""An institution's policy: who may apply, what may be uploaded, how often families may post.

Stored as JSON on the institution so that each institution can differ (Taitung allows children
up to 18, the agency-wide rule 15; one photo of 10 MB vs three files of 20 MB in total…).
"""

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from moderation.relationships import WhoMayApply, rule_from_codes

MB = 1024 * 1024

#: Types the checks accept unless the policy says otherwise (SPEC: PDF, PNG, JPG/JPEG).
DEFAULT_ALLOWED_TYPES = ("application/pdf", "image/png", "image/jpeg")


class SuspensionMode(StrEnum):
    """「機關得暫停」: the institution *may* suspend. `automatic` suspends at the threshold;
    `proposed` makes a proposal an administrator confirms or dismisses."""

    AUTOMATIC = "automatic"
    PROPOSED = "proposed"


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
    # A suspension is calendar months plus days (issue 15): 1 month and 0 days by default.
    "suspension_months": (0, 120),
    "suspension_days": (0, 3650),
    "max_relationship_degree": (0, 6),
    "document_retention_days": (1, 3650),
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
    #: Who may apply; the defaults are the agency-wide rule 「配偶或其一親等內之親屬」.
    max_relationship_degree: int = 1
    spouse_allowed: bool = True
    cohabitant_allowed: bool = False
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
    #: A suspension lasts this many calendar months (Taiwan's calendar) plus `suspension_days`.
    suspension_months: int = 1
    suspension_days: int = 0
    suspension_mode: str = SuspensionMode.AUTOMATIC
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
    #: issue 12: originals of identity and relationship documents are erased this many days
    #: after the application's final decision (a rejected one's sanitized copies with them);
    #: once a service has ended, all its files and its posts' photos this many days after.
    document_retention_days: int = 90
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["allowed_types"] = list(self.allowed_types)
        data["allowed_types_by_category"] = {
            category: list(types) for category, types in self.allowed_types_by_category.items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Policy":
        known = {f.name for f in fields(cls)}
        data = _upgraded(data or {})
        clean = {k: v for k, v in data.items() if k in known}
        if "allowed_types" in clean:
            clean["allowed_types"] = tuple(clean["allowed_types"])
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

    @property
    def who_may_apply(self) -> WhoMayApply:
        return WhoMayApply(
            self.max_relationship_degree, self.spouse_allowed, self.cohabitant_allowed
        )

    def public(self) -> dict[str, Any]:
        """What families may see (GET /institutions), with the codes the rule admits."""
        data = self.to_json()
        data.pop("extra", None)
        data["allowed_relationships"] = self.who_may_apply.codes()
        return data


def _upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """A policy stored before version 1.1, read as its nearest rule today (the migration
    0008 rewrites stored ones the same way): a list of relationship codes becomes degrees;
    the 30 days a suspension lasted become the seed's one calendar month."""
    data = dict(data)
    codes = data.pop("allowed_relationships", None)
    if codes is not None and "max_relationship_degree" not in data:
        rule = rule_from_codes(tuple(codes))
        data.update(
            max_relationship_degree=rule.max_relationship_degree,
            spouse_allowed=rule.spouse_allowed,
            cohabitant_allowed=rule.cohabitant_allowed,
        )
    if "suspension_months" not in data and "suspension_days" in data:
        if data["suspension_days"] == 30:
            data["suspension_days"] = 0
        data["suspension_months"] = 1 if data["suspension_days"] == 0 else 0
    return data
