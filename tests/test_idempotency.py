"""Retries that must not do things twice (issue 10): a publish to the institution's book with
the same Idempotency-Key, a repeated appeal decision; and the appeal list's contents."""

import concurrent.futures

from sqlalchemy import func, select

from storage.models import InstitutionPost, OutboxEmail
from tests.support import files, flow
from tests.support.db import writing
from tests.support.posting import (
    admin_of,
    appeal,
    decide_appeal,
    rejected_post,
    served_family,
    strikes_of,
)


def _publish(client, staff, app_id, key=None, title="爸爸的信"):
    headers = {**staff, "Idempotency-Key": key} if key else staff
    return client.post(
        "/review/v1/institution-posts",
        headers=headers,
        data={"application_id": app_id, "title": title, "body": "這是爸爸寫給孩子的信。"},
        files=[("files", ("letter.png", files.png_photo(), "image/png"))],
    )


def _count(rt, model):
    with writing(rt) as session:
        return session.scalar(select(func.count()).select_from(model))


def _book_emails(rt):
    """Emails telling the family of a new entry in the institution's book."""
    with writing(rt) as session:
        query = select(func.count()).where(OutboxEmail.subject.contains("機關聯絡簿"))
        return session.scalar(query)


def test_a_publish_retried_with_the_same_key_answers_the_first_entry(client, rt, mail):
    # Given an approved family
    reviewer, fam, app_id = served_family(client, rt, mail)
    # When staff publish, and their client retries with the same Idempotency-Key
    first = _publish(client, reviewer, app_id, key="letter-1")
    retry = _publish(client, reviewer, app_id, key="letter-1")
    # Then the retry answers the first result: one entry, one email, no orphan files
    assert first.status_code == retry.status_code == 201, retry.text
    assert retry.json() == first.json()
    assert _count(rt, InstitutionPost) == 1
    assert _book_emails(rt) == 1
    assert len(client.get("/api/v1/institution-posts", headers=fam.headers).json()) == 1


def test_concurrent_publishes_with_the_same_key_make_one_entry(client, rt, mail):
    # Given an approved family
    reviewer, _, app_id = served_family(client, rt, mail)
    # When the same publish arrives twice at once (a client's retry racing the first)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: _publish(client, reviewer, app_id, "same"), range(2)))
    # Then both answer the same entry, made once and emailed once
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert _count(rt, InstitutionPost) == 1
    assert _book_emails(rt) == 1


def test_publishes_without_a_key_or_with_different_keys_are_separate_entries(client, rt, mail):
    reviewer, _, app_id = served_family(client, rt, mail)
    assert _publish(client, reviewer, app_id).status_code == 201
    assert _publish(client, reviewer, app_id, key="a").status_code == 201
    assert _publish(client, reviewer, app_id, key="b").status_code == 201
    assert _count(rt, InstitutionPost) == 3


def test_a_key_reused_for_another_familys_entry_is_a_conflict(client, rt, mail):
    # Given an entry published to one family with a key
    reviewer, _, app_id = served_family(client, rt, mail)
    _, other_app = flow.served_family(client, mail, "second@example.com", n=2, callsign="7376")
    assert _publish(client, reviewer, app_id, key="k").status_code == 201
    # When the same key is sent for another family's entry
    r = _publish(client, reviewer, other_app, key="k")
    # Then it is refused rather than silently answering the first family's entry
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert _count(rt, InstitutionPost) == 1


def test_a_repeated_appeal_decision_answers_the_first_result(client, rt, mail):
    # Given a strike the family appealed, overruled by an administrator
    reviewer, fam, app_id = served_family(client, rt, mail)
    rejected_post(client, reviewer, fam, app_id)
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id).status_code == 200
    admin = admin_of(rt)
    first = decide_appeal(client, admin, strike_id, "overrule")
    # When the same decision is sent again (a double click, a retry)
    repeat = decide_appeal(client, admin, strike_id, "overrule")
    # Then it answers what the first did; the opposite decision is still refused
    assert first.status_code == repeat.status_code == 200
    assert (
        repeat.json()
        == first.json()
        == {
            "strike_id": strike_id,
            "outcome": "overruled",
            "strike_count": 0,
        }
    )
    contrary = decide_appeal(client, admin, strike_id, "uphold")
    assert (contrary.status_code, contrary.json()["error"]["code"]) == (409, "no_open_appeal")


def test_the_appeal_list_shows_the_appealed_text_and_the_familys_name(client, rt, mail):
    # Given a rejected post the family appealed
    reviewer, fam, app_id = served_family(client, rt, mail)
    post_id = rejected_post(client, reviewer, fam, app_id, title="孩子的畫")
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id, "這是孩子畫的。").status_code == 200
    # When the administrator lists open appeals
    listed = client.get("/review/v1/appeals", headers=admin_of(rt)).json()
    # Then the appeal shows what was rejected and who asks
    assert len(listed) == 1
    row = listed[0]
    assert (row["strike_id"], row["post_id"], row["family_name"]) == (strike_id, post_id, "王小明")
    assert row["title"] == "孩子的畫"
    assert row["body"] == "爸爸，小明這學期數學考了九十分，很想念你。"
    assert row["appeal_text"] == "這是孩子畫的。"


def test_the_appeal_list_is_paged(client, rt, mail):
    # Given two families' appealed strikes
    reviewer, fam, app_id = served_family(client, rt, mail)
    fam2, app2 = flow.served_family(client, mail, "second@example.com", n=2, callsign="7376")
    for f, a in ((fam, app_id), (fam2, app2)):
        rejected_post(client, reviewer, f, a)
        assert appeal(client, f, strikes_of(client, f)[0]["id"]).status_code == 200
    admin = admin_of(rt)
    # When the administrator reads one per page
    first = client.get("/review/v1/appeals?limit=1", headers=admin)
    link = first.headers["link"]
    second = client.get(link[1 : link.index(">")], headers=admin)
    # Then the second page has the other appeal, and is the last
    ids = [r["strike_id"] for r in first.json() + second.json()]
    assert len(set(ids)) == 2
    assert "link" not in second.headers
