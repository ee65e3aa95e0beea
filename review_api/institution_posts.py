"""The institution's book: staff publish entries (a scanned letter, news) back to a family."""

from sqlalchemy.orm import Session

from familybook.audit import record
from familybook.outbox import queue_email
from ingest.uploads import Upload
from moderation import emails
from moderation.checks.filetype import TYPE_NAMES, detect_type
from moderation.errors import NotFound, UnsupportedType, invalid_fields
from moderation.policy import Policy
from moderation.statuses import Status
from moderation.text import clean_text
from review_api.deps import StaffMember
from storage.files import FileStore
from storage.models import (
    Account,
    Institution,
    InstitutionPost,
    InstitutionPostFile,
    Submission,
)

MAX_FILES = 5
TITLE_MAX = 50
BODY_MAX = 2000


def publish(
    session: Session, store: FileStore, staff: StaffMember, upload: Upload
) -> tuple[InstitutionPost, str]:
    application_id = (upload.fields.get("application_id") or "").strip()
    if not application_id:
        raise invalid_fields({"application_id": ("必填。", "Required.")})
    application = session.get(Submission, application_id)
    if (
        application is None
        or application.kind != "application"
        or application.institution_id not in staff.institution_ids
    ):
        raise NotFound(
            code="not_found",
            message="找不到這筆服務申請。",
            message_en="No such application among your institutions.",
        )
    if application.status != Status.APPROVED:
        raise invalid_fields(
            {
                "application_id": (
                    "這個家庭的服務申請尚未通過。",
                    "This family's application is not approved.",
                )
            }
        )
    title = clean_text(
        upload.fields.get("title"), field="title", max_chars=TITLE_MAX, allow_newlines=False
    )
    body = clean_text(upload.fields.get("body"), field="body", max_chars=BODY_MAX)
    institution = session.get(Institution, application.institution_id)
    account = session.get(Account, application.account_id)
    assert institution is not None and account is not None
    allowed = Policy.from_json(institution.policy).allowed_types
    if len(upload.files) > MAX_FILES:
        raise invalid_fields(
            {"files": (f"最多 {MAX_FILES} 個檔案。", f"At most {MAX_FILES} files.")}
        )
    entry = InstitutionPost(
        institution_id=institution.id,
        application_id=application.id,
        account_id=account.id,
        staff_id=staff.id,
        title=title,
        body=body,
    )
    session.add(entry)
    session.flush()
    for f in upload.files:
        detected = detect_type(str(store.path(f.blob.key)))
        if detected not in allowed:
            names = "、".join(TYPE_NAMES.get(t, t) for t in allowed)
            raise UnsupportedType(
                code="file_type",
                message=f"「{f.original_name}」不是 {names} 檔。",
                message_en=f"'{f.original_name}' is not one of {names}.",
            )
        session.add(
            InstitutionPostFile(
                institution_post_id=entry.id,
                original_name=f.original_name,
                detected_type=detected,
                size=f.blob.size,
                storage_key=f.blob.key,
            )
        )
    email_id = queue_email(
        session,
        emails.institution_post(to=account.email, institution=institution.name, title=title),
    )
    record(
        session, staff.actor, "institution_post", submission_id=application.id, entry_id=entry.id
    )
    session.commit()
    return entry, email_id
