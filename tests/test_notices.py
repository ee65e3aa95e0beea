"""The personal-data notice (個人資料蒐集告知聲明) is stored by version and served, so every
consent points at words that can be shown (API 1.1)."""

from datetime import timedelta

from sqlalchemy import delete

from storage.models import Notice, utcnow
from tests.support import flow
from tests.support.db import writing

#: The rights the seeds' notice promises (「您有哪些權利」).
RIGHTS = ("查詢", "閱覽", "複製本", "更正", "刪除")


def test_the_latest_notice_names_its_purposes_data_retention_and_rights(client):
    r = client.get("/api/v1/notices/personal-data")
    assert r.status_code == 200
    notice = r.json()
    assert notice["version"] and notice["published_at"]
    for words in ("蒐集目的", "個人資料", "期間", *RIGHTS):
        assert words in notice["text"], words
    assert "erase" in notice["text_en"] and "copy" in notice["text_en"]


def test_a_notice_is_served_by_its_version_and_an_unknown_one_is_404(client):
    version = client.get("/api/v1/notices/personal-data").json()["version"]
    r = client.get(f"/api/v1/notices/personal-data/{version}")
    assert r.status_code == 200 and r.json()["version"] == version
    missing = client.get("/api/v1/notices/personal-data/1999-01")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "notice_not_found"


def test_each_consent_points_at_the_notice_version_published_when_it_was_given(client, mail, rt):
    # Given a family that registered under the notice of the day
    first = flow.family(client, mail, "early@example.com")
    old = client.get("/api/v1/notices/personal-data").json()["version"]
    # When a newer notice is published
    with writing(rt) as session:
        session.add(
            Notice(
                kind="personal-data",
                version="2099-01",
                text="新版告知聲明",
                text_en="A newer notice",
                published_at=utcnow() + timedelta(seconds=1),
            )
        )
    try:
        late = flow.family(client, mail, "late@example.com", n=2)
        # Then each account's consent names the version it agreed to, and both can be shown
        early_me = client.get("/api/v1/me", headers=first.headers).json()
        late_me = client.get("/api/v1/me", headers=late.headers).json()
        assert (early_me["consent_version"], late_me["consent_version"]) == (old, "2099-01")
        shown = client.get(f"/api/v1/notices/personal-data/{early_me['consent_version']}")
        assert "複製本" in shown.json()["text"]
    finally:
        with writing(rt) as session:
            session.execute(delete(Notice).where(Notice.version == "2099-01"))
