"""Eligibility lasts (issue 15, rule 3; API.md 1.1): the child's age and the inmate's
restriction are checked again at every post (409 `not_eligible` with the reason); an
administrator sets and lifts a restriction (rule 6), audited."""

from datetime import date

import pytest
from sqlalchemy import select, update

from moderation.taiwan_time import taiwan_date
from storage.models import AuditEntry, Inmate
from tests.support import flow
from tests.support.db import writing
from tests.support.posting import admin_of, served_family


def _years_ago(years: int) -> date:
    """A birth date whose birthday is today in Taiwan (28 Feb for someone born 29 Feb)."""
    today = taiwan_date()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _youngest_child_born(rt, born: date, callsign: str = "7375") -> None:
    with writing(rt) as session:
        session.execute(
            update(Inmate).where(Inmate.callsign == callsign).values(youngest_child_birth_date=born)
        )


def _restriction(client, staff, body=None, callsign="7375"):
    path = f"/review/v1/inmates/TTD/{callsign}/restriction"
    if body is None:
        return client.delete(path, headers=staff)
    return client.put(path, headers=staff, json=body)


@pytest.mark.parametrize(("age", "status"), [(15, 202), (16, 409)])
def test_a_post_is_refused_once_the_youngest_child_is_past_the_policys_age(
    client, rt, mail, age, status
):
    _, fam, app_id = served_family(client, rt, mail, max_child_age=15)
    _youngest_child_born(rt, _years_ago(age))  # the birthday is today
    r = flow.post(client, fam, app_id)
    assert r.status_code == status, r.text
    if status == 409:
        error = r.json()["error"]
        assert (error["code"], error["reason"]) == ("not_eligible", "child_aged_out")
        assert "15 歲" in error["message"] and "over 15" in error["message_en"]


@pytest.mark.parametrize(("age", "status"), [(18, 202), (19, 409)])
def test_taitungs_eighteen_years_hold_at_every_post(client, rt, mail, age, status):
    _, fam, app_id = served_family(client, rt, mail, max_child_age=18)
    _youngest_child_born(rt, _years_ago(age))
    assert flow.post(client, fam, app_id).status_code == status


@pytest.mark.parametrize(("age", "status"), [(15, 202), (16, 403)])
def test_an_application_takes_a_child_of_exactly_the_policys_age(client, rt, mail, age, status):
    flow.institution(rt, max_child_age=15)
    _youngest_child_born(rt, _years_ago(age))
    fam = flow.family(client, mail, "a@example.com")
    assert flow.apply(client, fam).status_code == status


def test_an_administrator_restricts_an_inmate_and_posts_are_refused_with_the_reason(
    client, rt, mail
):
    _, fam, app_id = served_family(client, rt, mail)
    admin = admin_of(rt)
    until = flow.days_from_today(10).isoformat()
    r = _restriction(client, admin, {"until": until, "reason": "隔離保護"})
    assert r.json() == {
        "callsign": "7375",
        "restricted_until": until,
        "restriction_reason": "隔離保護",
    }
    refused = flow.post(client, fam, app_id)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert (error["code"], error["reason"], error["until"]) == (
        "not_eligible",
        "inmate_restricted",
        until,
    )


def test_lifting_a_restriction_lets_the_family_post_again(client, rt, mail):
    _, fam, app_id = served_family(client, rt, mail)
    admin = admin_of(rt)
    _restriction(client, admin, {"until": flow.days_from_today(10).isoformat(), "reason": "違規"})
    r = _restriction(client, admin)
    assert r.json()["restricted_until"] is None
    assert flow.post(client, fam, app_id).status_code == 202


def test_setting_and_lifting_a_restriction_are_audited(client, rt, mail):
    served_family(client, rt, mail)
    admin = admin_of(rt)
    until = flow.days_from_today(3).isoformat()
    _restriction(client, admin, {"until": until, "reason": "禁止接見通信"})
    _restriction(client, admin)
    with writing(rt) as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.detail)).all()
    actions = {action: detail for action, detail in rows}
    assert actions["set_restriction"]["until"] == until
    assert actions["set_restriction"]["reason"] == "禁止接見通信"
    assert actions["lift_restriction"]["was_until"] == until


def test_only_an_administrator_of_the_institution_sets_a_restriction(client, rt, mail):
    reviewer, _, _ = served_family(client, rt, mail)
    body = {"until": flow.days_from_today(3).isoformat(), "reason": "違規"}
    assert _restriction(client, reviewer, body).status_code == 403
    flow.institution(rt, "HLD")
    assert _restriction(client, admin_of(rt, "HLD"), body).status_code == 404


@pytest.mark.parametrize(
    ("callsign", "until", "status"), [("737", 3, 422), ("7375", -1, 422), ("9999", 3, 404)]
)
def test_a_restriction_needs_a_real_inmate_and_a_date_to_come(
    client, rt, mail, callsign, until, status
):
    served_family(client, rt, mail)
    body = {"until": flow.days_from_today(until).isoformat(), "reason": "違規"}
    assert _restriction(client, admin_of(rt), body, callsign=callsign).status_code == status
