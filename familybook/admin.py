"""Operators' actions behind the command line: institutions, rosters, staff."""

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from familybook.security import new_token, token_hash
from moderation.errors import InvalidInput, NotFound
from moderation.policy import Policy
from storage.models import Inmate, Institution, Staff, StaffInstitution

ROSTER_COLUMNS = (
    "callsign",
    "name",
    "youngest_child_birth_date",
    "restricted_until",
    "restriction_reason",
)


def add_institution(session: Session, code: str, name: str, **policy: Any) -> Institution:
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        institution = Institution(code=code, name=name, policy=Policy().to_json())
        session.add(institution)
    institution.name = name
    current = Policy.from_json(institution.policy)
    institution.policy = replace(
        current, **{k: v for k, v in policy.items() if v is not None}
    ).to_json()
    session.flush()
    return institution


def _institution(session: Session, code: str) -> Institution:
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        raise NotFound(
            code="institution_not_found",
            message=f"找不到機關 {code}。",
            message_en=f"No institution {code}; add it first.",
        )
    return institution


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value.strip()) if value and value.strip() else None


def import_inmates(session: Session, code: str, csv_path: Path) -> int:
    """Insert or update every row of the roster; returns how many rows were read."""
    institution = _institution(session, code)
    count = 0
    with open(csv_path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = set(ROSTER_COLUMNS[:2]) - set(reader.fieldnames or ())
        if missing:
            raise InvalidInput(
                code="roster_columns",
                message=f"名冊缺少欄位：{missing}",
                message_en=f"The roster lacks columns {sorted(missing)}.",
            )
        for line, row in enumerate(reader, start=2):
            callsign = (row.get("callsign") or "").strip()
            if not (callsign.isdigit() and len(callsign) in (4, 6)):
                raise InvalidInput(
                    code="roster_callsign",
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


def add_staff(session: Session, email: str, institution_codes: list[str], role: str) -> str:
    """Create (or re-key) a staff member; returns the API token, which is shown only once."""
    if role not in ("reviewer", "admin"):
        raise InvalidInput(
            code="invalid_role",
            message="角色必須是 reviewer 或 admin。",
            message_en="Role must be reviewer or admin.",
        )
    token = new_token("fbs_")
    staff = session.scalar(select(Staff).where(Staff.email == email.lower()))
    if staff is None:
        staff = Staff(email=email.lower(), role=role, token_hash=token_hash(token))
        session.add(staff)
    staff.role, staff.token_hash = role, token_hash(token)
    session.flush()
    for code in institution_codes:
        institution = _institution(session, code)
        if session.get(StaffInstitution, (staff.id, institution.id)) is None:
            session.add(StaffInstitution(staff_id=staff.id, institution_id=institution.id))
    session.flush()
    return token
