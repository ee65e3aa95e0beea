"""The words of the emails: Traditional Chinese first, the seed's summary, Taiwan time."""

from datetime import UTC, datetime

from moderation import emails


def test_an_approved_post_email_carries_the_seeds_summary():
    email = emails.decision(
        to="f@example.com",
        kind="post",
        approved=True,
        institution="法務部矯正署臺東戒治所",
        relationship="配偶",
        title="小明的成績單",
    )
    lines = email.body.splitlines()
    assert lines[1] == "您於【便民服務入口網】發佈家庭聯絡簿審核結果為「審核通過」。"
    assert email.subject.startswith("遠距接見入口網家庭聯絡簿審核結果通知")
    assert "聯絡對象：法務部矯正署臺東戒治所" in lines
    assert "與申請對象關係：配偶" in lines
    assert "聯絡簿主旨：小明的成績單" in lines
    assert email.body.index("審核通過") < email.body.index("approved")


def test_a_rejection_email_says_why_and_what_to_do():
    email = emails.decision(
        to="f@example.com",
        kind="application",
        approved=False,
        institution="臺東戒治所",
        relationship="配偶",
        reason="關係證明文件不足",
        reason_en="relationship not proven",
        advice="請補上最近三個月的戶籍謄本。",
    )
    assert "未通過原因：關係證明文件不足" in email.body
    assert "審核意見：請補上最近三個月的戶籍謄本。" in email.body
    assert "relationship not proven" in email.body


def test_the_suspension_email_gives_the_end_in_taiwan_time():
    # 16:30 UTC is half past midnight the next day in Taiwan
    until = datetime(2027, 1, 31, 16, 30, tzinfo=UTC)
    email = emails.suspension(to="f@example.com", until=until, strikes=3)
    assert "暫停發佈至 2027-02-01 00:30（臺灣時間）" in email.body
    assert "suspended until 2027-02-01 00:30 Taiwan time" in email.body


def test_a_refusal_for_the_quota_names_the_next_day_in_taiwan_time():
    from datetime import timedelta

    import pytest

    from moderation.errors import Conflict
    from moderation.policy import Policy
    from moderation.quota import EarlierPost, ensure_quota
    from moderation.statuses import Status

    approved_at = datetime(2027, 1, 1, 17, 0, tzinfo=UTC)  # 01:00 on 2 January in Taiwan
    earlier = [EarlierPost("p1", Status.APPROVED, approved_at)]
    with pytest.raises(Conflict) as refused:
        ensure_quota(earlier, Policy(post_interval_days=7), approved_at + timedelta(days=1))
    assert "2027-01-09 01:00（臺灣時間）" in refused.value.message
    assert "at 2027-01-09 01:00 Taiwan time." in refused.value.message_en
    assert refused.value.extra["next_allowed_at"] == "2027-01-08T17:00:00+00:00"
