"""Relationship codes between the applicant and the inmate (API.md), and their degrees.

Degrees (親等) are counted as Taiwan's Civil Code counts them (art. 968): a parent or a child
is one generation away (1st degree); a sibling, grandparent or grandchild two (2nd). A spouse
has no degree, and a member of the household living with the children (同住家屬) need not be a
relative at all: the policy admits those two by name. `relative` covers every other relative,
blood or by marriage (姻親, art. 970: a spouse's relatives at the spouse's degree), with the
degree the family declares; the documents show it and the reviewer checks it.
"""

from dataclasses import dataclass
from enum import StrEnum

#: The Civil Code counts further, but a declared degree beyond this is no family of the book.
MAX_DECLARED_DEGREE = 6


class Relationship(StrEnum):
    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    RELATIVE = "relative"
    COHABITANT = "cohabitant"


LABELS: dict[Relationship, tuple[str, str]] = {
    Relationship.SPOUSE: ("配偶", "spouse"),
    Relationship.PARENT: ("父母", "parent"),
    Relationship.CHILD: ("子女", "child"),
    Relationship.SIBLING: ("兄弟姊妹", "sibling"),
    Relationship.GRANDPARENT: ("祖父母", "grandparent"),
    Relationship.GRANDCHILD: ("孫子女", "grandchild"),
    Relationship.RELATIVE: ("其他親屬", "other relative"),
    Relationship.COHABITANT: ("同住家屬", "family member living with the children"),
}

#: The fixed degree of each code that has one; `relative` has the declared one.
DEGREES: dict[Relationship, int] = {
    Relationship.PARENT: 1,
    Relationship.CHILD: 1,
    Relationship.SIBLING: 2,
    Relationship.GRANDPARENT: 2,
    Relationship.GRANDCHILD: 2,
}

ZH_DIGITS = "一二三四五六"


@dataclass(frozen=True)
class WhoMayApply:
    """An institution's rule of who may apply: 「配偶或其N親等內之親屬，或…共居之家屬」."""

    max_relationship_degree: int = 1
    spouse_allowed: bool = True
    cohabitant_allowed: bool = False

    def admits(self, relationship: Relationship, degree: int | None) -> bool:
        if relationship == Relationship.SPOUSE:
            return self.spouse_allowed
        if relationship == Relationship.COHABITANT:
            return self.cohabitant_allowed
        return degree is not None and degree <= self.max_relationship_degree

    def codes(self) -> list[str]:
        """Codes this rule can admit (`relative` as long as some degree is admitted)."""
        codes = [r for r in Relationship if self.admits(r, DEGREES.get(r, 1))]
        return [r.value for r in codes]

    def describe(self) -> tuple[str, str]:
        """The rule in the seeds' words, e.g.
        「配偶或其二親等內之親屬，或與收容人子女共居之家屬」."""
        degree = self.max_relationship_degree
        zh_degree = ZH_DIGITS[degree - 1] if 1 <= degree <= len(ZH_DIGITS) else str(degree)
        zh = f"其{zh_degree}親等內之親屬" if degree >= 1 else ""
        en = f"a relative within the degree {degree}" if degree >= 1 else ""
        if self.spouse_allowed:
            zh, en = f"配偶或{zh}" if zh else "配偶", f"the spouse or {en}" if en else "the spouse"
        if self.cohabitant_allowed:
            zh += "，或與收容人子女共居之家屬"
            en += ", or a member of the household living with the inmate's children"
        return zh, en


def degree_of(relationship: Relationship, declared: int | None) -> int | None:
    """The degree of kinship: the code's own, or the one declared for `relative`."""
    if relationship == Relationship.RELATIVE:
        return declared
    return DEGREES.get(relationship)


def rule_from_codes(codes: tuple[str, ...] | list[str]) -> WhoMayApply:
    """A policy stored before degrees existed (a list of codes): its nearest rule. The list
    every code used to default to (all 8) was "no options given": the agency-wide rule."""
    given = set(codes)
    if given >= {r.value for r in Relationship}:
        return WhoMayApply()
    degrees = [DEGREES[Relationship(c)] for c in given if Relationship(c) in DEGREES]
    return WhoMayApply(
        max_relationship_degree=max(degrees, default=0),
        spouse_allowed=Relationship.SPOUSE.value in given,
        cohabitant_allowed=Relationship.COHABITANT.value in given,
    )
