"""The data the OCR pre-fill takes and gives back (the interface the workers call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Protocol


class Status(StrEnum):
    """Verdict per field, shown to reviewers and used in tests; a StrEnum so it compares to str."""

    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Declared:
    """What the family declared, plus what we know about the inmate (only the roster's name:
    the roster has neither the inmate's birth date nor ID number). Build it with `declaration`.
    """

    name: str  # applicant's name, e.g. "王小明"
    national_id: str  # applicant's national ID, already validated
    birth_date: date
    inmate_name: str | None = None  # full inmate name from the roster (for the register)
    # Applicant TO inmate: spouse, parent, child, sibling, grandparent, grandchild, relative,
    # cohabitant.
    relationship: str | None = None


class Applicant(Protocol):
    """What an account holds about the applicant (storage.models.Account has these)."""

    @property
    def name(self) -> str: ...
    @property
    def national_id(self) -> str: ...
    @property
    def birth_date(self) -> date: ...


def declaration(
    applicant: Applicant, *, inmate_name: str | None, relationship: str | None
) -> Declared:
    """The one way a declaration is built: the OCR worker calls it with the account, the
    roster's inmate name and the chosen relationship, and the tests and the benchmark call it
    the same way, so that they measure what production can know, no more."""
    return Declared(
        name=applicant.name,
        national_id=applicant.national_id,
        birth_date=applicant.birth_date,
        inmate_name=inmate_name,
        relationship=relationship,
    )


@dataclass(frozen=True)
class OcrSource:
    path: Path  # a PNG/JPEG image (the sanitized copy), or a PDF file
    dpi: int | None = None  # known resolution if any


@dataclass(frozen=True)
class PrefillField:
    field: str  # "name" | "national_id" | "birth_date" | "relationship" | "inmate_name"
    value: str | None  # what OCR read (normalised: ISO date, uppercase ID), None if not found
    expected: str | None  # what was declared
    status: str  # a Status value
    confidence: float  # 0..1
    source_text: str  # the OCR text line(s) it came from (short)


def not_found(field: str, expected: str | None) -> PrefillField:
    return PrefillField(field, None, expected, Status.NOT_FOUND, 0.0, "")
