"""Relationship of two household members from their 稱謂 (both relative to the 戶長).

A register names every member by their relation to the head of household, so the relation
between two members is derived through the head: 戶長 + 長子 → parent/child, 長子 + 長女 →
siblings, 戶長 + 孫 → grandparent/grandchild. Some pairs are ambiguous (a 孫 may be the 長子's
child or his nephew), so the result is a set of possible codes.

In-laws (媳, 女婿, 弟媳, 姊夫, 孫媳…) are relatives by marriage, never blood kin: 弟媳 must not
be read as 弟 followed by a name. A title is therefore matched whole, longest first, and a
match followed by a character that only continues a title (媳, 婿, 夫, 之…) is no title we know.
"""

from __future__ import annotations

import re
from itertools import product

_ORDINALS = ("長", "次", "三", "四", "五", "六", "七", "八")

#: 稱謂 → the member's role relative to the head (戶長). Sons and daughters, brothers and
#: sisters are told apart because each in-law is the spouse of one of them only (媳 of a son,
#: 女婿 of a daughter, 兄嫂 of an elder brother, 妹夫 of a younger sister).
ROLES: dict[str, str] = {
    "戶長": "head",
    **dict.fromkeys(("配偶", "妻", "夫"), "spouse"),
    **{f"{o}子": "son" for o in (*_ORDINALS, "養")},
    "子": "son",
    **{f"{o}女": "daughter" for o in (*_ORDINALS, "養")},
    "女": "daughter",
    **{f"{o}媳": "son_wife" for o in _ORDINALS},
    "媳": "son_wife",
    "媳婦": "son_wife",
    **{f"{o}女婿": "daughter_husband" for o in _ORDINALS},
    "女婿": "daughter_husband",
    "婿": "daughter_husband",
    **dict.fromkeys(
        ("孫", "孫子", "孫女", "長孫", "長孫女", "次孫", "次孫女", "外孫", "外孫子", "外孫女"),
        "grandchild",
    ),
    **dict.fromkeys(("孫媳", "孫媳婦", "孫女婿", "外孫媳", "外孫女婿"), "grandchild_in_law"),
    **dict.fromkeys(("曾孫", "曾孫子", "曾孫女"), "great_grandchild"),
    **dict.fromkeys(("父", "父親"), "father"),
    **dict.fromkeys(("母", "母親"), "mother"),
    "繼父": "step_father",
    "繼母": "step_mother",
    **dict.fromkeys(("岳父", "岳母", "公公", "婆婆"), "parent_in_law"),
    **dict.fromkeys(("祖父", "祖母"), "paternal_grandparent"),
    **dict.fromkeys(("外祖父", "外祖母"), "maternal_grandparent"),
    **dict.fromkeys(("曾祖父", "曾祖母"), "great_grandparent"),
    **dict.fromkeys(("兄", "胞兄"), "elder_brother"),
    **dict.fromkeys(("弟", "胞弟"), "younger_brother"),
    **dict.fromkeys(("姊", "姐", "胞姊", "胞姐"), "elder_sister"),
    **dict.fromkeys(("妹", "胞妹"), "younger_sister"),
    **dict.fromkeys(("兄嫂", "嫂"), "elder_brother_wife"),
    **dict.fromkeys(("弟媳", "弟婦"), "younger_brother_wife"),
    **dict.fromkeys(("姊夫", "姐夫"), "elder_sister_husband"),
    **dict.fromkeys(("妹夫", "妹婿"), "younger_sister_husband"),
    **dict.fromkeys(("姪", "姪子", "姪女", "甥", "甥女", "外甥", "外甥女"), "nephew_niece"),
    **dict.fromkeys(("伯", "伯父", "叔", "叔父", "姑", "姑母", "姑姑"), "paternal_uncle_aunt"),
    **dict.fromkeys(("舅", "舅父", "舅舅", "姨", "姨母"), "maternal_uncle_aunt"),
    **dict.fromkeys(
        ("伯母", "叔母", "嬸", "嬸母", "嬸嬸", "姑丈", "舅母", "舅媽", "姨丈"), "uncle_aunt_in_law"
    ),
    "同居人": "cohabitant",
}
_TITLE_RE = re.compile("|".join(sorted(ROLES, key=len, reverse=True)))
#: Characters that continue a kinship title rather than start a name (none is a common
#: surname): after a whole known title they mean a longer title we do not know (姪媳, 叔祖父,
#: 戶長之子), which is better reported as unreadable than as the shorter, wrong one.
_TITLE_CONTINUES = frozenset("之媳婿嫂夫婦丈祖父母")

#: Roles that the facts below name together.
_GROUPS: dict[str, tuple[str, ...]] = {
    "child": ("son", "daughter"),
    "child_in_law": ("son_wife", "daughter_husband"),
    "sibling": ("elder_brother", "younger_brother", "elder_sister", "younger_sister"),
    "sibling_in_law": (
        "elder_brother_wife",
        "younger_brother_wife",
        "elder_sister_husband",
        "younger_sister_husband",
    ),
}
_INVERSE = {
    "spouse": "spouse",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "relative": "relative",
}

#: (role or group a, role or group b, what a is to b); the inverse pair is added from it.
#: Unlisted pairs of kin are "relative" (every in-law of the head among them); anyone with a
#: cohabitant is "cohabitant". A second code "relative" marks pairs a register cannot tell
#: apart by titles alone: a 孫 may be the 長子's child or his nephew, a 媳 the 長子's wife or
#: his brother's, and the head's 配偶 the mother of the head's 長子 or his step-mother (titles
#: say how each member stands to the head, not to each other). register_proof.py looks for
#: the 父/母/配偶 columns that settle such a pair.
_FACTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("head", "spouse", ("spouse",)),
    ("father", "mother", ("spouse",)),
    ("step_father", "mother", ("spouse",)),
    ("father", "step_mother", ("spouse",)),
    ("paternal_grandparent", "paternal_grandparent", ("spouse",)),
    ("maternal_grandparent", "maternal_grandparent", ("spouse",)),
    ("parent_in_law", "parent_in_law", ("spouse",)),
    ("great_grandparent", "great_grandparent", ("spouse", "relative")),
    ("son", "son_wife", ("spouse", "relative")),
    ("daughter", "daughter_husband", ("spouse", "relative")),
    ("grandchild", "grandchild_in_law", ("spouse", "relative")),
    ("elder_brother", "elder_brother_wife", ("spouse", "relative")),
    ("younger_brother", "younger_brother_wife", ("spouse", "relative")),
    ("elder_sister", "elder_sister_husband", ("spouse", "relative")),
    ("younger_sister", "younger_sister_husband", ("spouse", "relative")),
    ("paternal_uncle_aunt", "uncle_aunt_in_law", ("spouse", "relative")),
    ("maternal_uncle_aunt", "uncle_aunt_in_law", ("spouse", "relative")),
    ("head", "child", ("parent",)),
    ("spouse", "child", ("parent", "relative")),
    ("father", "head", ("parent",)),
    ("mother", "head", ("parent",)),
    ("father", "sibling", ("parent", "relative")),
    ("mother", "sibling", ("parent", "relative")),
    ("parent_in_law", "spouse", ("parent",)),
    ("paternal_grandparent", "father", ("parent",)),
    ("maternal_grandparent", "mother", ("parent",)),
    ("paternal_grandparent", "paternal_uncle_aunt", ("parent",)),
    ("maternal_grandparent", "maternal_uncle_aunt", ("parent",)),
    ("great_grandparent", "paternal_grandparent", ("parent", "relative")),
    ("child", "grandchild", ("parent", "relative")),
    ("child_in_law", "grandchild", ("parent", "relative")),
    ("grandchild", "great_grandchild", ("parent", "relative")),
    ("grandchild_in_law", "great_grandchild", ("parent", "relative")),
    ("sibling", "nephew_niece", ("parent", "relative")),
    ("sibling_in_law", "nephew_niece", ("parent", "relative")),
    ("head", "grandchild", ("grandparent",)),
    ("spouse", "grandchild", ("grandparent", "relative")),
    ("father", "child", ("grandparent",)),
    ("mother", "child", ("grandparent",)),
    ("parent_in_law", "child", ("grandparent", "relative")),
    ("paternal_grandparent", "head", ("grandparent",)),
    ("maternal_grandparent", "head", ("grandparent",)),
    ("paternal_grandparent", "sibling", ("grandparent",)),
    ("maternal_grandparent", "sibling", ("grandparent",)),
    ("great_grandparent", "father", ("grandparent", "relative")),
    ("child", "great_grandchild", ("grandparent", "relative")),
    ("child_in_law", "great_grandchild", ("grandparent", "relative")),
    ("father", "nephew_niece", ("grandparent", "relative")),
    ("mother", "nephew_niece", ("grandparent", "relative")),
    ("head", "sibling", ("sibling",)),
    ("child", "child", ("sibling",)),
    ("sibling", "sibling", ("sibling",)),
    ("father", "paternal_uncle_aunt", ("sibling",)),
    ("mother", "maternal_uncle_aunt", ("sibling",)),
    ("paternal_uncle_aunt", "paternal_uncle_aunt", ("sibling",)),
    ("maternal_uncle_aunt", "maternal_uncle_aunt", ("sibling",)),
    ("grandchild", "grandchild", ("sibling", "relative")),
    ("great_grandchild", "great_grandchild", ("sibling", "relative")),
    ("nephew_niece", "nephew_niece", ("sibling", "relative")),
)


def _pairs() -> dict[tuple[str, str], frozenset[str]]:
    pairs: dict[tuple[str, str], frozenset[str]] = {}
    for group_a, group_b, codes in _FACTS:
        inverse = tuple(_INVERSE[c] for c in codes)
        for a, b in product(_GROUPS.get(group_a, (group_a,)), _GROUPS.get(group_b, (group_b,))):
            for key, value in (((a, b), frozenset(codes)), ((b, a), frozenset(inverse))):
                if pairs.setdefault(key, value) != value:
                    raise ValueError(f"contradictory kinship facts for {key}")
    return pairs


_PAIRS = _pairs()
#: A son's wife and a daughter's husband carry the ordinal of their spouse: 長媳 is the 長子's.
_ORDINAL_SPOUSES = {
    ("son", "son_wife"),
    ("son_wife", "son"),
    ("daughter", "daughter_husband"),
    ("daughter_husband", "daughter"),
}


def title_at_start(text: str) -> str | None:
    """The 稱謂 a register row starts with (allowing one stray mark or letter before it)."""
    stray = 1 if text and not _is_cjk(text[0]) else 0
    m = _TITLE_RE.match(text, stray)
    if m is None or text[m.end() : m.end() + 1] in _TITLE_CONTINUES:
        return None
    return m.group(0)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def derive(applicant_title: str, inmate_title: str) -> set[str]:
    """What the applicant is to the inmate, given both members' 稱謂 (relative to the 戶長)."""
    a, b = ROLES[applicant_title], ROLES[inmate_title]
    if "cohabitant" in (a, b):
        return {"cohabitant"}
    if (
        (a, b) in _ORDINAL_SPOUSES
        and applicant_title[0] in _ORDINALS
        and inmate_title[0] in (_ORDINALS)
    ):
        return {"spouse"} if applicant_title[0] == inmate_title[0] else {"relative"}
    return set(_PAIRS.get((a, b), {"relative"}))


def matches(declared: str, derived: set[str]) -> bool:
    """`relative` is the family's catch-all: it agrees with any kin relation, not cohabitant."""
    if declared == "relative":
        return "cohabitant" not in derived
    return declared in derived
