"""Operators' actions behind the command line: institutions, rosters, staff."""

from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.errors import ErrorCode, InvalidInput, NotFound, invalid_fields
from moderation.file_rules import FileCategory
from moderation.policy import DEFAULT_ALLOWED_TYPES, MB, Policy
from moderation.relationships import Relationship
from moderation.roster import COLUMNS, read_roster
from storage.models import Institution
from usecases import staff_commands
from usecases.roster_import import apply_plan, plan_import
from usecases.runtime import Runtime
from usecases.transaction import transaction

ROSTER_COLUMNS = COLUMNS


def add_institution(rt: Runtime, code: str, name: str, **policy: Any) -> Institution:
    """Add the institution or update it; policy values left None keep what it had. `post_types`
    sets the post attachments' types among the per-category ones."""
    with transaction(rt) as work:
        return _add_institution(work.session, code, name, **policy)


def update_institution(rt: Runtime, code: str, name: str | None, **policy: Any) -> Institution:
    """Change an existing institution's options (and its name if given); the rest stays."""
    with transaction(rt) as work:
        _institution(work.session, code)  # NotFound: `institution add` creates one
        return _add_institution(work.session, code, name, **policy)


def _add_institution(session: Session, code: str, name: str | None, **policy: Any) -> Institution:
    institution = session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        institution = Institution(code=code, name=name or code, policy=Policy().to_json())
        session.add(institution)
    if name:
        institution.name = name
    current = Policy.from_json(institution.policy)
    changes = {k: v for k, v in policy.items() if v is not None}
    if "post_types" in changes:
        by_category = dict(current.allowed_types_by_category)
        by_category[FileCategory.ATTACHMENT] = tuple(changes.pop("post_types"))
        changes["allowed_types_by_category"] = by_category
    total, per_file = changes.get("post_max_bytes"), changes.get("post_max_file_bytes")
    if total is not None and per_file is None and current.post_max_file_bytes > total:
        changes["post_max_file_bytes"] = total  # a lower total lowers one file's ceiling too
    updated = replace(current, **changes)
    problems = updated.problems()
    if problems:
        raise invalid_fields(problems)
    institution.policy = updated.to_json()
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


def _bytes(megabytes: int | None) -> int | None:
    """Megabytes as bytes; 0 and negatives pass through to be refused by the policy's ranges."""
    return megabytes * MB if megabytes is not None else None


def policy_from_options(
    *,
    relationships: str | None = None,
    allowed_types: str | None = None,
    post_types: str | None = None,
    max_application_mb: int | None = None,
    post_max_mb: int | None = None,
    post_max_file_mb: int | None = None,
    **plain: Any,
) -> dict[str, Any]:
    """The command line's options as policy values, checked: relationship codes from API.md,
    file types the checks can make a safe copy of, megabytes as bytes."""
    relationship_codes = tuple(r.value for r in Relationship)
    per_file_mb = post_max_file_mb if post_max_file_mb is not None else post_max_mb
    return {
        **plain,
        "allowed_relationships": _codes(relationships, relationship_codes, "--relationships"),
        "allowed_types": _codes(allowed_types, DEFAULT_ALLOWED_TYPES, "--allowed-types"),
        "post_types": _codes(post_types, DEFAULT_ALLOWED_TYPES, "--post-types"),
        "max_application_bytes": _bytes(max_application_mb),
        "post_max_bytes": _bytes(post_max_mb),
        "post_max_file_bytes": _bytes(per_file_mb),
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


def import_inmates(rt: Runtime, code: str, csv_path: Path, *, encoding: str = "auto") -> int:
    """Insert or update every row of the roster (all checked first); returns how many rows
    were read. `usecases.roster_import` has the steps, for the command line's options."""
    roster = read_roster(csv_path.read_bytes(), encoding)
    apply_plan(rt, plan_import(rt, code, roster))
    return len(roster.rows)


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
