"""Relationship of two household members from their 稱謂 (both relative to the 戶長).

A register names every member by their relation to the head of household, so the relation
between two members is derived through the head: 戶長 + 長子 → parent/child, 長子 + 長女 →
siblings, 戶長 + 孫 → grandparent/grandchild. Some pairs are ambiguous (a 孫 may be the 長子's
child or his nephew), so the result is a set of possible codes.
"""

from __future__ import annotations

import re

#: 稱謂 → the member's role relative to the head. Longest first so 長孫女 wins over 孫.
ROLES: dict[str, str] = {
    "戶長": "head", "配偶": "spouse", "妻": "spouse", "夫": "spouse",
    **{f"{o}{s}": "child" for o in ("長", "次", "三", "四", "五", "六", "養") for s in "子女"},
    "子": "child", "女": "child",
    **{f"{o}媳": "child_in_law" for o in ("長", "次", "三", "四")}, "媳": "child_in_law",
    "媳婦": "child_in_law", "女婿": "child_in_law", "婿": "child_in_law",
    "孫": "grandchild", "孫子": "grandchild", "孫女": "grandchild", "長孫": "grandchild",
    "長孫女": "grandchild", "次孫": "grandchild", "外孫": "grandchild", "外孫女": "grandchild",
    "父": "parent", "母": "parent", "父親": "parent", "母親": "parent", "繼父": "parent",
    "繼母": "parent", "祖父": "grandparent", "祖母": "grandparent",
    "兄": "sibling", "弟": "sibling", "姊": "sibling", "姐": "sibling", "妹": "sibling",
    "胞兄": "sibling", "胞弟": "sibling", "胞姊": "sibling", "胞妹": "sibling",
    "同居人": "cohabitant",
}
_TITLE_RE = re.compile("|".join(sorted(ROLES, key=len, reverse=True)))

#: (applicant role, inmate role) → what the applicant is to the inmate. Unlisted pairs of kin
#: are "relative"; anyone with a cohabitant is "cohabitant".
_PAIRS: dict[tuple[str, str], set[str]] = {
    ("head", "spouse"): {"spouse"}, ("spouse", "head"): {"spouse"},
    ("parent", "parent"): {"spouse"},
    ("head", "child"): {"parent"}, ("spouse", "child"): {"parent"},
    ("child", "head"): {"child"}, ("child", "spouse"): {"child"},
    ("head", "grandchild"): {"grandparent"}, ("spouse", "grandchild"): {"grandparent"},
    ("grandchild", "head"): {"grandchild"}, ("grandchild", "spouse"): {"grandchild"},
    ("parent", "head"): {"parent"}, ("head", "parent"): {"child"},
    ("parent", "child"): {"grandparent"}, ("child", "parent"): {"grandchild"},
    ("parent", "sibling"): {"parent"}, ("sibling", "parent"): {"child"},
    ("grandparent", "head"): {"grandparent"}, ("head", "grandparent"): {"grandchild"},
    ("child", "child"): {"sibling"}, ("sibling", "sibling"): {"sibling"},
    ("head", "sibling"): {"sibling"}, ("sibling", "head"): {"sibling"},
    ("child", "grandchild"): {"parent", "relative"},
    ("grandchild", "child"): {"child", "relative"},
    ("child_in_law", "grandchild"): {"parent", "relative"},
    ("grandchild", "child_in_law"): {"child", "relative"},
    ("child_in_law", "child"): {"spouse", "relative"},
    ("child", "child_in_law"): {"spouse", "relative"},
    ("grandchild", "grandchild"): {"sibling", "relative"},
}


def title_at_start(text: str) -> str | None:
    """The 稱謂 a register row starts with (allowing one stray mark or letter before it)."""
    stray = 1 if text and not _is_cjk(text[0]) else 0
    m = _TITLE_RE.match(text, stray)
    return m.group(0) if m else None


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def derive(applicant_title: str, inmate_title: str) -> set[str]:
    a, b = ROLES[applicant_title], ROLES[inmate_title]
    if "cohabitant" in (a, b):
        return {"cohabitant"}
    return _PAIRS.get((a, b), {"relative"})


def matches(declared: str, derived: set[str]) -> bool:
    """`relative` is the family's catch-all: it agrees with any kin relation, not cohabitant."""
    if declared == "relative":
        return "cohabitant" not in derived
    return declared in derived
