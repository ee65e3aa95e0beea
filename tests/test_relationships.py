"""Who may apply (issue 15, rule 1; API.md 1.1): every code has a degree, `relative` declares
one, and the institution's policy admits the spouse, relatives up to its degree and, if it
says so, the household living with the children."""

import pytest

from tests.support import flow

#: Taitung: 「其配偶或其二親等內之親屬，或與收容人子女共居之家屬」.
TAITUNG = {"max_relationship_degree": 2, "cohabitant_allowed": True}


def _error(r) -> dict:
    return r.json()["error"]


@pytest.mark.parametrize("relationship", ["spouse", "parent", "child"])
def test_the_agency_wide_rule_admits_the_spouse_and_first_degree(client, rt, mail, relationship):
    flow.institution(rt)  # no options: the agency-wide rule
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship=relationship)
    assert r.status_code == 202, r.text


@pytest.mark.parametrize("relationship", ["sibling", "grandparent", "grandchild", "cohabitant"])
def test_the_agency_wide_rule_refuses_second_degree_and_cohabitants(client, rt, mail, relationship):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship=relationship)
    assert r.status_code == 422
    assert set(_error(r)["fields"]) == {"relationship"}
    assert "配偶或其一親等內之親屬" in _error(r)["message"]


@pytest.mark.parametrize("relationship", ["sibling", "grandparent", "grandchild", "cohabitant"])
def test_taitung_admits_second_degree_and_the_childrens_household(client, rt, mail, relationship):
    flow.institution(rt, **TAITUNG)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship=relationship)
    assert r.status_code == 202, r.text


@pytest.mark.parametrize(("degree", "admitted"), [("1", True), ("2", True), ("3", False)])
def test_a_relative_is_admitted_up_to_the_policys_degree(client, rt, mail, degree, admitted):
    flow.institution(rt, **TAITUNG)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship="relative", degree=degree)
    assert r.status_code == (202 if admitted else 422), r.text
    if not admitted:
        assert "3親等親屬" in _error(r)["message"]


def test_a_relative_of_the_second_degree_is_refused_by_the_agency_wide_rule(client, rt, mail):
    flow.institution(rt)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship="relative", degree="2")
    assert r.status_code == 422
    assert set(_error(r)["fields"]) == {"relationship"}


@pytest.mark.parametrize("degree", [None, "", "0", "7", "two"])
def test_a_relative_without_a_degree_from_1_to_6_is_a_422(client, rt, mail, degree):
    flow.institution(rt, **TAITUNG)
    fam = flow.family(client, mail, "a@example.com")
    r = flow.apply(client, fam, relationship="relative", degree=degree)
    assert r.status_code == 422
    assert set(_error(r)["fields"]) == {"relationship_degree"}


def test_the_declared_degree_is_kept_and_shown_to_family_and_reviewer(client, rt, mail):
    flow.institution(rt, **TAITUNG)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam = flow.family(client, mail, "a@example.com")
    app_id = flow.apply(client, fam, relationship="relative", degree="2").json()["id"]
    body = flow.wait_status(client, fam, app_id, {"awaiting_review"})
    assert (body["relationship"], body["relationship_degree"]) == ("relative", 2)
    item = client.get(f"/review/v1/items/{app_id}", headers=reviewer).json()
    assert (item["relationship_label"], item["relationship_degree"]) == ("其他親屬", 2)


def test_institutions_list_the_rule_and_the_codes_it_admits(client, rt, mail):
    flow.institution(rt, "TTD", **TAITUNG)
    flow.institution(rt, "HLD")
    rows = {i["code"]: i["policy"] for i in client.get("/api/v1/institutions").json()}
    assert rows["HLD"]["allowed_relationships"] == ["spouse", "parent", "child", "relative"]
    assert rows["TTD"]["max_relationship_degree"] == 2
    assert "cohabitant" in rows["TTD"]["allowed_relationships"]
