"""Households for generated registers, with what the reader should conclude from each.

A scenario names who applies for whom and what the register can prove: the blood relations
that titles (稱謂) prove on their own, those that need the 父/母/配偶 columns (a 配偶 of the
head is the mother of the head's child only if the child's 母 column names her), step-parents
and in-laws it cannot prove, and inmates registered in another household.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .names import Person, given_char, make_person, roc, surname

COUNTIES = (
    "臺北市",
    "新北市",
    "桃園市",
    "臺中市",
    "臺南市",
    "高雄市",
    "花蓮縣",
    "臺東縣",
    "屏東縣",
    "宜蘭縣",
    "基隆市",
    "嘉義縣",
)
DISTRICTS = (
    "中正區",
    "大安區",
    "信義區",
    "北區",
    "東區",
    "西屯區",
    "鳳山區",
    "吉安鄉",
    "卑南鄉",
    "羅東鎮",
    "竹北市",
    "太保市",
)
MATCH, MISMATCH, NOT_FOUND = "match", "mismatch", "not_found"

#: scenario → (declared relationship, its verdict, the inmate's name verdict).
SCENARIOS: dict[str, tuple[str, str, str]] = {
    "spouse": ("spouse", MATCH, MATCH),
    "parent": ("parent", MATCH, MATCH),
    "child": ("child", MATCH, MATCH),
    "sibling": ("sibling", MATCH, MATCH),
    "grandparent": ("grandparent", MATCH, MATCH),
    "grandchild": ("grandchild", MATCH, MATCH),
    "step_parent": ("parent", NOT_FOUND, MATCH),  # the head's 配偶, not the child's mother
    "step_child": ("child", NOT_FOUND, MATCH),
    "in_law_spouse": ("spouse", MATCH, MATCH),  # 媳 and her husband: his 配偶 column says so
    "in_law_as_child": ("child", MISMATCH, MATCH),  # a 媳 is no child of the head
    "elsewhere_child": ("child", MATCH, MATCH),  # the inmate is named in the 父/母 column
    "elsewhere_spouse": ("spouse", MATCH, MATCH),  # ... or in the 配偶 column
    "elsewhere_parent": ("parent", NOT_FOUND, NOT_FOUND),  # the child lives elsewhere
}


@dataclass
class Household:
    members: list[Person]
    applicant: Person
    inmate: Person
    relationship: str  # applicant -> inmate, the Declared.relationship code
    extra: dict[str, str] = field(default_factory=dict)
    scenario: str = ""
    #: field → the verdict a reader should give (match unless the scenario says otherwise).
    expected: dict[str, str] = field(default_factory=dict)
    address: str = ""


_SONS, _DAUGHTERS = ("長子", "次子", "三子", "四子"), ("長女", "次女", "三女", "四女")


def _marry(a: Person, b: Person) -> None:
    a.spouse, b.spouse = b.name, a.name


def _children(
    rng: random.Random, father: Person, mother: Person, family: str, born: int, sexes: list[int]
) -> list[Person]:
    """Children titled by sex and order (長子, 次女 ...); siblings often share a character."""
    shared = given_char(rng) if rng.random() < 0.4 else ""
    kids: list[Person] = []
    for i, sex in enumerate(sexes):
        span = (born + 3 * i, born + 3 * i + 2)
        kid = make_person(rng, family=family, sex=sex, born=span, generation=shared)
        while any(k.name == kid.name for k in kids):
            kid = make_person(rng, family=family, sex=sex, born=span)
        order = sum(k.sex == sex for k in kids)
        kid.title = _SONS[order] if sex == 1 else _DAUGHTERS[order]
        kid.father, kid.mother = father.name, mother.name
        kids.append(kid)
    return kids


def _parents_of(rng: random.Random, p: Person, family: str) -> None:
    p.father = make_person(rng, family=family, sex=1).name
    p.mother = make_person(rng, sex=2).name


def _base(rng: random.Random, *, grandchildren: bool) -> tuple[list[Person], dict[str, Person]]:
    """A head, a spouse, 2-4 children, perhaps a son's wife and grandchildren, perhaps the
    head's mother. Returns (members in register order, named roles)."""
    family, other = surname(rng), surname(rng)  # the children carry the father's surname
    head_sex = 1 if rng.random() < 0.75 else 2
    head = make_person(
        rng, family=family if head_sex == 1 else other, sex=head_sex, born=(1945, 1972)
    )
    year = head.birth_date.year
    spouse = make_person(
        rng, family=other if head_sex == 1 else family, sex=3 - head_sex, born=(year - 4, year + 4)
    )
    head.title, spouse.title = "戶長", "配偶"
    _marry(head, spouse)
    _parents_of(rng, head, family if head_sex == 1 else other)
    _parents_of(rng, spouse, other if head_sex == 1 else family)
    father, mother = (head, spouse) if head_sex == 1 else (spouse, head)
    sexes = [rng.choice((1, 2)) for _ in range(rng.randint(2, 4))]
    if grandchildren:
        sexes[0] = 1  # a son, whose wife and children live here too
    kids = _children(rng, father, mother, family, year + 24, sexes)
    members, roles = [head, spouse, *kids], {"head": head, "spouse": spouse}
    roles.update({f"kid{i}": k for i, k in enumerate(kids)})
    if rng.random() < 0.25:  # the head's widowed mother lives with them
        elder = make_person(rng, sex=2, born=(max(1915, year - 35), max(1920, year - 20)))
        elder.name, elder.title = head.mother, "母"
        _parents_of(rng, elder, surname(rng))
        members.insert(2, elder)
    son = next((k for k in kids if k.sex == 1), None)
    if son is not None and (grandchildren or rng.random() < 0.4):
        wife = make_person(rng, sex=2, born=(son.birth_date.year - 3, son.birth_date.year + 5))
        wife.title = "媳" if rng.random() < 0.5 else son.title[0] + "媳"
        _parents_of(rng, wife, surname(rng))
        _marry(son, wife)
        grand = _children(
            rng,
            son,
            wife,
            family,
            son.birth_date.year + 26,
            [rng.choice((1, 2)) for _ in range(rng.randint(1, 2))],
        )
        for g in grand:
            g.title = "孫" if g.sex == 1 else "孫女"
        members += [wife, *grand]
        roles.update({"son": son, "son_wife": wife, "grandchild": grand[0]})
    return members, roles


def _second_marriage(rng: random.Random, roles: dict[str, Person], kids: list[Person]) -> None:
    """The head's 配偶 married him after the children were born: their 母 is someone else."""
    first_wife = make_person(rng, sex=2).name
    for kid in kids:
        if roles["head"].sex == 1:
            kid.mother = first_wife
        else:
            kid.father = make_person(rng, sex=1).name


#: Latest date a remark may carry: transcripts are printed in 民國110-114.
_LAST = date(2025, 6, 30)


def _remarks(rng: random.Random, p: Person) -> tuple[str, ...]:
    """記事: the dated events a transcript lists under a member, one to four of them."""
    place = f"{rng.choice(COUNTIES)}{rng.choice(DISTRICTS)}"
    span = max(30, (_LAST - p.birth_date).days)
    day = p.birth_date + timedelta(days=rng.randint(span // 3, span - 20))
    later = min(_LAST, day + timedelta(days=rng.randint(200, 900)))
    pool = [
        f"{roc(p.birth_date)}在{place}出生　{roc(p.birth_date + timedelta(days=12))}申請登記",
        f"{roc(day)}自{place}{rng.choice('中山中正民權')}路{rng.randint(1, 200)}號遷入本址",
        f"{roc(later)}換領國民身分證",
        f"{roc(later)}依戶籍法第{rng.randint(20, 40)}條規定辦理{rng.choice(('更正', '補填'))}"
        f"出生地　{roc(min(_LAST, later + timedelta(days=5)))}登記",
    ]
    if p.spouse:
        pool.append(
            f"{roc(day - timedelta(days=300))}與{p.spouse}結婚　"
            f"{roc(day - timedelta(days=290))}申請登記"
        )
    return tuple(rng.sample(pool, rng.randint(1, min(4, len(pool)))))


def _pick(
    rng: random.Random, scenario: str, members: list[Person], roles: dict[str, Person]
) -> tuple[Person, Person, list[Person]]:
    """(applicant, inmate, members) for the scenario; may change the household to fit it."""
    head, spouse = roles["head"], roles["spouse"]
    kids = [p for k, p in roles.items() if k.startswith("kid")]
    if scenario == "spouse":
        pair = (head, spouse)
        return (*(pair if rng.random() < 0.5 else pair[::-1]), members)
    if scenario in ("parent", "child", "step_parent", "step_child"):
        step = scenario.startswith("step")
        if step:
            _second_marriage(rng, roles, kids)
        elder = spouse if step or rng.random() < 0.5 else head
        pair = (elder, rng.choice(kids))
        return (*(pair if scenario in ("parent", "step_parent") else pair[::-1]), members)
    if scenario == "sibling":
        a, b = rng.sample(kids, 2)
        return a, b, members
    if scenario in ("grandparent", "grandchild"):
        pair = (head if rng.random() < 0.7 else spouse, roles["grandchild"])
        return (*(pair if scenario == "grandparent" else pair[::-1]), members)
    if scenario == "in_law_spouse":
        return roles["son_wife"], roles["son"], members
    if scenario == "in_law_as_child":
        return roles["son_wife"], head, members
    return _elsewhere(rng, scenario, members, roles)


def _elsewhere(
    rng: random.Random, scenario: str, members: list[Person], roles: dict[str, Person]
) -> tuple[Person, Person, list[Person]]:
    """The register of the applicant's own household; the inmate is registered elsewhere."""
    head = roles["head"]
    if scenario == "elsewhere_parent":  # the inmate is the head's son in another household
        inmate = make_person(
            rng,
            family=head.name[:1],
            sex=1,
            born=(head.birth_date.year + 20, head.birth_date.year + 30),
        )
        inmate.father, inmate.mother = head.name, head.spouse
        return head, inmate, members
    if scenario == "elsewhere_spouse":
        inmate = make_person(
            rng, sex=3 - head.sex, born=(head.birth_date.year - 3, head.birth_date.year + 3)
        )
        spouse = roles["spouse"]
        members = [m for m in members if m is not spouse]
        for m in members:  # the children's other parent is the inmate
            m.father = inmate.name if m.father == spouse.name else m.father
            m.mother = inmate.name if m.mother == spouse.name else m.mother
        head.spouse = inmate.name
        return head, inmate, members
    inmate_name = head.father if rng.random() < 0.6 else head.mother
    inmate = make_person(rng, sex=1 if inmate_name == head.father else 2, born=(1920, 1950))
    inmate.name = inmate_name
    members = [m for m in members if m.name != inmate_name]
    return head, inmate, members


def make_household(rng: random.Random, scenario: str) -> Household:
    """A household for `scenario` (a key of SCENARIOS), with remarks and an address."""
    needs_grandchild = scenario in ("grandparent", "grandchild", "in_law_spouse", "in_law_as_child")
    members, roles = _base(rng, grandchildren=needs_grandchild)
    applicant, inmate, members = _pick(rng, scenario, members, roles)
    for m in members:
        m.remarks = _remarks(rng, m)
        m.birthplace = rng.choice(COUNTIES)
    declared, relationship, inmate_status = SCENARIOS[scenario]
    expected = {
        "name": MATCH,
        "national_id": MATCH,
        "birth_date": MATCH,
        "relationship": relationship,
        "inmate_name": inmate_status,
    }
    address = (
        f"{rng.choice(COUNTIES)}{rng.choice(DISTRICTS)}{rng.choice('中山中正民生忠孝')}"
        f"路{rng.randint(1, 300)}號{rng.randint(2, 12)}樓"
    )
    return Household(
        members, applicant, inmate, declared, scenario=scenario, expected=expected, address=address
    )


def copy_household(hh: Household) -> Household:
    return replace(hh, members=[replace(m) for m in hh.members])
