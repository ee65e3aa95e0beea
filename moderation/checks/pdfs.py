"""PDFs: readable, not encrypted, within the page ceiling."""

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from moderation.checks.base import CheckContext, CheckOutcome, FileFacts, FileUnderCheck, fail, ok


def check_pdf(file: FileUnderCheck, facts: FileFacts, ctx: CheckContext) -> list[CheckOutcome]:
    if facts.detected_type != "application/pdf":
        return []
    try:
        reader = PdfReader(file.path, strict=False)
        if reader.is_encrypted:
            return [
                fail(
                    file.file_id,
                    "pdf_encrypted",
                    f"「{file.original_name}」有密碼保護，請移除密碼後再上傳，或改傳照片。",
                    f"'{file.original_name}' is password-protected; remove the password.",
                )
            ]
        pages = len(reader.pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError):
        return [
            fail(
                file.file_id,
                "pdf_unreadable",
                f"「{file.original_name}」無法開啟，請重新匯出 PDF 或改傳照片。",
                f"'{file.original_name}' cannot be opened; export it again or send a photo.",
            )
        ]
    facts.pages = pages
    if pages > ctx.policy.max_pdf_pages:
        return [
            fail(
                file.file_id,
                "pdf_too_many_pages",
                f"「{file.original_name}」超過 {ctx.policy.max_pdf_pages} 頁，請只上傳需要的頁面。",
                f"'{file.original_name}' has more than {ctx.policy.max_pdf_pages} pages.",
            )
        ]
    return [ok(file.file_id, "pdf_readable")]
