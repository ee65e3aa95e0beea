"""Relationship codes between the applicant and the inmate (API.md)."""

from enum import StrEnum


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
