"""稱謂 → relationship: what the applicant is to the inmate, both titles relative to the 戶長.

Every pair asserts the exact set, so that a blood relation can never slip into an in-law's
result (or the reverse) unnoticed.
"""

from __future__ import annotations

import pytest

from moderation.ocr.kinship import derive, matches, title_at_start

REL = "relative"


@pytest.mark.parametrize(
    ("applicant", "inmate", "expected"),
    [
        # the head and the spouse
        ("戶長", "配偶", {"spouse"}),
        ("配偶", "戶長", {"spouse"}),
        ("妻", "戶長", {"spouse"}),
        # the head's children; the head's spouse may be their parent or step-parent
        ("戶長", "長子", {"parent"}),
        ("配偶", "次女", {"parent", REL}),
        ("戶長", "養女", {"parent"}),
        ("長子", "戶長", {"child"}),
        ("三女", "配偶", {"child", REL}),
        # children among themselves
        ("長子", "長女", {"sibling"}),
        ("次子", "三女", {"sibling"}),
        # the head's parents and grandparents
        ("父", "戶長", {"parent"}),
        ("戶長", "母", {"child"}),
        ("父", "母", {"spouse"}),
        ("母", "父", {"spouse"}),
        ("祖父", "祖母", {"spouse"}),
        ("外祖母", "外祖父", {"spouse"}),
        ("祖父", "外祖母", {REL}),
        ("祖父", "父", {"parent"}),
        ("父", "祖母", {"child"}),
        ("祖母", "母", {REL}),
        ("外祖父", "母", {"parent"}),
        ("外祖母", "父", {REL}),
        ("祖父", "戶長", {"grandparent"}),
        ("戶長", "外祖母", {"grandchild"}),
        ("父", "長子", {"grandparent"}),
        ("長女", "母", {"grandchild"}),
        ("父", "配偶", {REL}),
        ("配偶", "母", {REL}),
        ("繼父", "母", {"spouse"}),
        ("繼母", "戶長", {REL}),
        ("繼父", "父", {REL}),
        ("岳父", "配偶", {"parent"}),
        ("配偶", "岳母", {"child"}),
        ("岳父", "戶長", {REL}),
        # the head's siblings
        ("戶長", "弟", {"sibling"}),
        ("妹", "戶長", {"sibling"}),
        ("兄", "姊", {"sibling"}),
        ("母", "弟", {"parent", REL}),  # a half-brother through the father?
        ("兄", "父", {"child", REL}),
        ("祖父", "妹", {"grandparent"}),
        ("長子", "弟", {REL}),
        ("配偶", "兄", {REL}),
        ("弟", "姪子", {"parent", REL}),
        ("外甥女", "姊", {"child", REL}),
        # grandchildren, through a child or a child's spouse: own child or a niece/nephew
        ("戶長", "孫", {"grandparent"}),
        ("孫女", "配偶", {"grandchild", REL}),
        ("長子", "孫", {"parent", REL}),
        ("外孫", "長女", {"child", REL}),
        ("孫", "長孫女", {"sibling", REL}),
        ("父", "孫", {REL}),
        ("孫", "曾孫", {"parent", REL}),
        ("長子", "曾孫女", {"grandparent", REL}),
        ("戶長", "曾孫", {REL}),
    ],
)
def test_relationship_between_two_blood_or_married_members(
    applicant: str, inmate: str, expected: set[str]
) -> None:
    assert derive(applicant, inmate) == expected


@pytest.mark.parametrize(
    ("applicant", "inmate", "expected"),
    [
        # an in-law is a relative of the head, never a child, sibling or grandchild
        ("媳", "戶長", {REL}),
        ("戶長", "長媳", {REL}),
        ("女婿", "配偶", {REL}),
        ("長女婿", "戶長", {REL}),
        ("弟媳", "戶長", {REL}),
        ("戶長", "兄嫂", {REL}),
        ("姊夫", "戶長", {REL}),
        ("戶長", "妹夫", {REL}),
        ("孫媳", "戶長", {REL}),
        ("戶長", "孫女婿", {REL}),
        # ...but may be the spouse of the blood member of their branch, and of no other
        ("媳", "長子", {"spouse", REL}),
        ("長女", "女婿", {"spouse", REL}),
        ("弟媳", "弟", {"spouse", REL}),
        ("兄", "兄嫂", {"spouse", REL}),
        ("姊夫", "姊", {"spouse", REL}),
        ("妹", "妹婿", {"spouse", REL}),
        ("孫媳", "孫", {"spouse", REL}),
        ("媳", "長女", {REL}),
        ("長子", "女婿", {REL}),
        ("弟", "兄嫂", {REL}),
        ("妹夫", "姊", {REL}),
        ("姊夫", "弟", {REL}),
        # an ordinal names the one child an in-law married: 長媳 is the 長子's wife
        ("長子", "長媳", {"spouse"}),
        ("長女婿", "長女", {"spouse"}),
        ("長子", "次媳", {REL}),
        ("次女", "長女婿", {REL}),
        # ...and a parent of the next generation of that branch
        ("媳", "孫", {"parent", REL}),
        ("孫女", "女婿", {"child", REL}),
        ("孫媳", "曾孫", {"parent", REL}),
        ("弟媳", "姪女", {"parent", REL}),
    ],
)
def test_in_laws_are_relatives_by_marriage_not_blood(
    applicant: str, inmate: str, expected: set[str]
) -> None:
    assert derive(applicant, inmate) == expected


@pytest.mark.parametrize("other", ["戶長", "配偶", "長子", "媳", "孫"])
def test_anyone_with_a_cohabitant_is_a_cohabitant(other: str) -> None:
    assert derive("同居人", other) == {"cohabitant"}
    assert derive(other, "同居人") == {"cohabitant"}


@pytest.mark.parametrize(
    ("row", "title"),
    [
        ("弟媳王美玲民國70年1月2日", "弟媳"),
        ("兄嫂陳怡君", "兄嫂"),
        ("姊夫林志明", "姊夫"),
        ("妹夫張建宏", "妹夫"),
        ("孫媳許雅婷", "孫媳"),
        ("長女婿吳冠宇", "長女婿"),
        ("孫女婿黃俊傑", "孫女婿"),
        ("長孫女高華柏民國", "長孫女"),
        ("“戶長林晴文", "戶長"),
        ("長子王子晴", "長子"),
        ("孫孫文華", "孫"),  # a name may start with 子 or the surname 孫
    ],
)
def test_a_title_is_read_whole(row: str, title: str) -> None:
    assert title_at_start(row) == title


@pytest.mark.parametrize(
    "row",
    [
        "姪媳陳美玲",
        "叔祖父王大同",
        "戶長之子王明",
        "子婿林志明",  # longer titles we do not know
        "林子英民國",  # 子 inside a name is not a title
        "堂兄王志明",
        "表姊林怡君",  # cousins: no title we know at the start
    ],
)
def test_an_unknown_or_longer_title_is_no_title(row: str) -> None:
    assert title_at_start(row) is None


def test_relative_is_the_familys_catch_all_for_kin() -> None:
    assert matches("relative", derive("戶長", "長子"))
    assert matches("relative", derive("弟媳", "戶長"))
    assert not matches("relative", derive("同居人", "戶長"))


def test_a_declared_blood_relation_does_not_match_an_in_law() -> None:
    assert not matches("sibling", derive("弟媳", "戶長"))
    assert not matches("child", derive("長女婿", "戶長"))
    assert not matches("grandchild", derive("孫媳", "戶長"))


def test_an_ambiguous_pair_matches_either_reading() -> None:
    assert matches("parent", derive("長子", "孫"))
    assert matches("relative", derive("長子", "孫"))
    assert not matches("spouse", derive("長子", "孫"))
