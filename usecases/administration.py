"""Operators' actions behind the command line: institutions, rosters, staff."""

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, InvalidInput, NotFound
from moderation.file_rules import FileCategory
from moderation.institutions import Contact
from moderation.policy import DEFAULT_ALLOWED_TYPES, MB, Policy
from moderation.relationships import MAX_DECLARED_DEGREE
from storage.models import Inmate, Institution
from usecases import staff_commands
from usecases.runtime import Runtime
from usecases.transaction import transaction

ROSTER_COLUMNS = (
    "callsign",
    "name",
    "youngest_child_birth_date",
    "restricted_until",
    "restriction_reason",
)


def add_institution(
    rt: Runtime, code: str, name: str, *, contacts: list[Contact] | None = None, **policy: Any
) -> Institution:
    """Add the institution or update it; policy values left None keep what it had. `post_types`
    sets the post attachments' types among the per-category ones; `contacts` (given) replaces
    the contact window."""
    with transaction(rt) as work:
        return _add_institution(work.session, code, name, contacts=contacts, **policy)


def _add_institution(
    session: Session, code: str, name: str, *, contacts: list[Contact] | None, **policy: Any
) -> Institution:
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        institution = Institution(code=code, name=name, policy=Policy().to_json(), contacts=[])
        session.add(institution)
    institution.name = name
    if contacts is not None:
        institution.contacts = [c.to_json() for c in contacts]
    current = Policy.from_json(institution.policy)
    changes = {k: v for k, v in policy.items() if v is not None}
    if "post_types" in changes:
        by_category = dict(current.allowed_types_by_category)
        by_category[FileCategory.ATTACHMENT] = tuple(changes.pop("post_types"))
        changes["allowed_types_by_category"] = by_category
    institution.policy = replace(current, **changes).to_json()
    session.flush()
    return institution


def _codes(raw: str | None, known: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    codes = tuple(c.strip() for c in raw.split(",") if c.strip())
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        wrong, choices = ", ".join(unknown) or "(empty)", ", ".join(known)
        raise InvalidInput(
            code=ErrorCode.INVALID_OPTION,
            message=f"{option} 的值不正確：{wrong}。可用：{choices}",
            message_en=f"{option}: unknown {wrong}; use {choices}",
        )
    return codes


def policy_from_options(
    *,
    allowed_types: str | None = None,
    post_types: str | None = None,
    max_application_mb: int | None = None,
    post_max_mb: int | None = None,
    post_max_file_mb: int | None = None,
    **plain: Any,
) -> dict[str, Any]:
    """The command line's options as policy values, checked: relationship codes from API.md,
    file types the checks can make a safe copy of, megabytes as bytes."""
    per_file_mb = post_max_file_mb or post_max_mb
    degree = plain.get("max_relationship_degree")
    if degree is not None and not 0 <= degree <= MAX_DECLARED_DEGREE:
        raise InvalidInput(
            code=ErrorCode.INVALID_OPTION,
            message=f"--max-relationship-degree 需為 0 至 {MAX_DECLARED_DEGREE}。",
            message_en=f"--max-relationship-degree: 0 to {MAX_DECLARED_DEGREE}",
        )
    return {
        **plain,
        "allowed_types": _codes(allowed_types, DEFAULT_ALLOWED_TYPES, "--allowed-types"),
        "post_types": _codes(post_types, DEFAULT_ALLOWED_TYPES, "--post-types"),
        "max_application_bytes": max_application_mb * MB if max_application_mb else None,
        "post_max_bytes": post_max_mb * MB if post_max_mb else None,
        "post_max_file_bytes": per_file_mb * MB if per_file_mb else None,
    }


def _institution(session: Session, code: str) -> Institution:
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        raise NotFound(
            code=ErrorCode.INSTITUTION_NOT_FOUND,
            message=f"找不到機關 {code}。",
            message_en=f"No institution {code}; add it first.",
        )
    return institution


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value.strip()) if value and value.strip() else None


def import_inmates(rt: Runtime, code: str, csv_path: Path) -> int:
    """Insert or update every row of the roster; returns how many rows were read."""
    with transaction(rt) as work:
        return _import_inmates(work.session, code, csv_path)


def _import_inmates(session: Session, code: str, csv_path: Path) -> int:
    institution = _institution(session, code)
    count = 0
    with open(csv_path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = set(ROSTER_COLUMNS[:2]) - set(reader.fieldnames or ())
        if missing:
            raise InvalidInput(
                code=ErrorCode.ROSTER_COLUMNS,
                message=f"名冊缺少欄位：{missing}",
                message_en=f"The roster lacks columns {sorted(missing)}.",
            )
        for line, row in enumerate(reader, start=2):
            callsign = (row.get("callsign") or "").strip()
            if not (callsign.isdigit() and len(callsign) in (4, 6)):
                raise InvalidInput(
                    code=ErrorCode.ROSTER_CALLSIGN,
                    message=f"第 {line} 行呼號需為 4 或 6 位數字。",
                    message_en=f"Line {line}: a callsign has 4 or 6 digits.",
                )
            inmate = session.scalar(
                select(Inmate).where(
                    Inmate.institution_id == institution.id, Inmate.callsign == callsign
                )
            )
            if inmate is None:
                inmate = Inmate(institution_id=institution.id, callsign=callsign, name="")
                session.add(inmate)
            inmate.name = (row.get("name") or "").strip()
            inmate.youngest_child_birth_date = _date(row.get("youngest_child_birth_date"))
            inmate.restricted_until = _date(row.get("restricted_until"))
            inmate.restriction_reason = (row.get("restriction_reason") or "").strip() or None
            count += 1
    session.flush()
    return count


def add_staff(
    rt: Runtime,
    email: str,
    institution_codes: list[str],
    role: str,
    *,
    name: str | None = None,
    actor: str = "operator",
) -> str:
    """Create a staff member; returns the API token, shown only once. Without a name they are
    shown by their email. An existing email is refused (`usecases.staff_commands` re-keys,
    promotes and re-binds, each by its own command)."""
    return staff_commands.add(rt, email, institution_codes, role, name=name, actor=actor).token
