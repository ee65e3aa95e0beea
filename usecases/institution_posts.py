"""The institution's book: staff publish entries (a scanned letter, news) back to a family.

Staff files go through the very checks families' files do (`run_checks_isolated`: real type,
hidden content, a full decode, a re-encoded copy without metadata), in the request: staff
uploads are few and the uploader should hear at once what is wrong. A file that fails is
refused with the check's code and words (`moderation.refusals`). The family is only ever given
the sanitized copy (no EXIF GPS of the phone that photographed a letter); the original is
kept for the record.
"""

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import emails
from moderation.audit import AuditAction
from moderation.checks.base import CheckCode, CheckContext, FileUnderCheck, display_name
from moderation.checks.isolation import run_checks_isolated
from moderation.errors import Conflict, ErrorCode, InvalidInput, NotFound, invalid_fields
from moderation.file_rules import FileCategory, institution_post_rules
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.refusals import refusal
from moderation.staff import StaffMember
from moderation.statuses import Status
from moderation.text import clean_text
from storage.audit import record
from storage.blobs import BlobStore, StoredBlob
from storage.models import (
    Account,
    Institution,
    InstitutionPost,
    InstitutionPostFile,
    Submission,
)
from storage.outbox import queue_email
from storage.uploads import Upload, UploadedFile
from usecases.runtime import Runtime
from usecases.transaction import transaction

#: The form field staff send files in.
FILES_FIELD = "files"
TITLE_MAX = 50
BODY_MAX = 2000
#: The staff member waits for the checks: each file within the workers' per-file limit (the
#: default of `run_checks_isolated`), all files together within this.
CHECK_TOTAL_TIMEOUT_S = 120


@dataclass(frozen=True)
class Draft:
    """What the request asks, validated, as plain values that outlive the read transaction."""

    application_id: str
    institution_id: str
    institution_name: str
    account_id: str
    email: str
    policy: Policy
    title: str
    body: str


@dataclass(frozen=True)
class CleanCopy:
    original: UploadedFile
    detected_type: str
    sanitized: StoredBlob
    sanitized_type: str


@dataclass(frozen=True)
class Published:
    entry: InstitutionPost
    #: True when the Idempotency-Key named an entry published before: nothing new was made
    #: (the upload of this request is the caller's to discard).
    replayed: bool


def publish(
    rt: Runtime, staff: StaffMember, upload: Upload, idempotency_key: str | None = None
) -> Published:
    # The read transaction ends before the checks, which may take a minute: on SQLite every
    # transaction holds the database's write lock from its BEGIN (storage/db.py).
    with rt.db.session() as session:
        earlier = _earlier(session, staff, idempotency_key, upload)
        if earlier is not None:
            return Published(earlier, replayed=True)
        draft = _draft(session, staff, upload)
    copies = check_files(rt.files, upload, draft.policy)
    try:
        return Published(_save(rt, staff, draft, copies, idempotency_key), replayed=False)
    except IntegrityError:
        # The same key won a race meanwhile: answer its entry; ours leaves no trace.
        for copy in copies:
            rt.files.delete(copy.sanitized.key)
        with rt.db.session() as session:
            earlier = _earlier(session, staff, idempotency_key, upload)
        if earlier is None:
            raise
        return Published(earlier, replayed=True)
    except BaseException:
        for copy in copies:
            rt.files.delete(copy.sanitized.key)
        raise


def _earlier(
    session: Session, staff: StaffMember, key: str | None, upload: Upload
) -> InstitutionPost | None:
    """The entry this staff member published with this Idempotency-Key, if any. A key reused
    for another family's entry is refused: answering the first would hide a mistake."""
    if key is None:
        return None
    entry = session.scalar(
        select(InstitutionPost).where(
            InstitutionPost.staff_id == staff.id, InstitutionPost.idempotency_key == key
        )
    )
    if entry is not None and entry.application_id != upload.text("application_id"):
        raise Conflict(
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
            message="這個請求編號已用於另一則機關聯絡簿。",
            message_en="This Idempotency-Key was used for another entry.",
        )
    return entry


def _approved_application(session: Session, staff: StaffMember, application_id: str) -> Submission:
    application = session.get(Submission, application_id)
    if (
        application is None
        or application.kind != SubmissionKind.APPLICATION
        or application.institution_id not in staff.institution_ids
    ):
        raise NotFound(
            code=ErrorCode.NOT_FOUND,
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
    return application


def _draft(session: Session, staff: StaffMember, upload: Upload) -> Draft:
    application_id = (upload.fields.get("application_id") or "").strip()
    if not application_id:
        raise invalid_fields({"application_id": ("必填。", "Required.")})
    application = _approved_application(session, staff, application_id)
    title = clean_text(
        upload.fields.get("title"), field="title", max_chars=TITLE_MAX, allow_newlines=False
    )
    body = clean_text(upload.fields.get("body"), field="body", max_chars=BODY_MAX)
    institution = session.get(Institution, application.institution_id)
    account = session.get(Account, application.account_id)
    assert institution is not None and account is not None
    policy = Policy.from_json(institution.policy)
    counts = institution_post_rules(policy).count_problems(
        {FileCategory.INSTITUTION: len(upload.files)}
    )
    if counts:
        raise invalid_fields({FILES_FIELD: (counts[0].message, counts[0].message_en)})
    return Draft(
        application_id=application.id,
        institution_id=institution.id,
        institution_name=institution.name,
        account_id=account.id,
        email=account.email,
        policy=policy,
        title=title,
        body=body,
    )


def check_files(store: BlobStore, upload: Upload, policy: Policy) -> list[CleanCopy]:
    """Run the workers' checks on the uploaded files; store and return their clean copies.
    Raises the refusal of the first failing check (415 type, 413 size, 422 otherwise)."""
    # A contact-book entry in the other direction: the institution's post size limits.
    with tempfile.TemporaryDirectory(prefix="fb-staff-check-") as work, ExitStack() as plain:
        files = [
            # Keyed by the store's random key: work files are named after it, never a name.
            FileUnderCheck(
                f.blob.key,
                FileCategory.INSTITUTION,
                plain.enter_context(store.working_copy(f.blob.key)),
                f.blob.size,
                f.original_name,
            )
            for f in upload.files
        ]
        # Only the clean copies are kept: no page renders for OCR (see CheckContext).
        context = CheckContext(
            policy, institution_post_rules(policy), Path(work), ocr_renders=False
        )
        report = run_checks_isolated(files, context, total_timeout_s=CHECK_TOTAL_TIMEOUT_S)
        refused = refusal(report)
        if refused is not None:
            raise refused
        copies: list[CleanCopy] = []
        try:
            for f in upload.files:
                facts = report.facts[f.blob.key]
                if facts.sanitized_path is None or not (
                    facts.sanitized_type and facts.detected_type
                ):
                    raise _no_clean_copy(f)
                blob = store.put_file(facts.sanitized_path)
                copies.append(CleanCopy(f, facts.detected_type, blob, facts.sanitized_type))
        except BaseException:
            for copy in copies:
                store.delete(copy.sanitized.key)
            raise
    return copies


def _no_clean_copy(f: UploadedFile) -> InvalidInput:
    # Every type the checks accept today gets a copy; a type added to a policy without one
    # must not reach a family as its original.
    name = display_name(f.original_name)
    return InvalidInput(
        code=CheckCode.CHECK_ERROR,
        message=f"「{name}」無法產生可以安全提供給家屬的副本，請改用 PDF、JPG 或 PNG 檔。",
        message_en=f"No safe copy of '{name}' can be made for the family; use PDF, JPG or PNG.",
    )


def _save(
    rt: Runtime,
    staff: StaffMember,
    draft: Draft,
    copies: list[CleanCopy],
    idempotency_key: str | None,
) -> InstitutionPost:
    with transaction(rt) as work:
        session = work.session
        _approved_application(session, staff, draft.application_id)  # still, after the checks
        entry = InstitutionPost(
            institution_id=draft.institution_id,
            application_id=draft.application_id,
            account_id=draft.account_id,
            staff_id=staff.id,
            title=draft.title,
            body=draft.body,
            idempotency_key=idempotency_key,
        )
        session.add(entry)
        session.flush()
        session.add_all(
            InstitutionPostFile(
                institution_post_id=entry.id,
                original_name=c.original.original_name,
                detected_type=c.detected_type,
                size=c.original.blob.size,
                storage_key=c.original.blob.key,
                sanitized_key=c.sanitized.key,
                sanitized_type=c.sanitized_type,
                sanitized_size=c.sanitized.size,
            )
            for c in copies
        )
        email = emails.institution_post(
            to=draft.email, institution=draft.institution_name, title=draft.title
        )
        work.wake_email(queue_email(session, email))
        record(
            session,
            staff.actor,
            AuditAction.INSTITUTION_POST,
            submission_id=draft.application_id,
            entry_id=entry.id,
        )
    return entry
