"""Daily reports (issue 10) on a known dataset written straight into the record: every number
checked, Taiwan's day boundaries included, as JSON and as CSV."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from moderation.kinds import SubmissionKind
from moderation.reports import percentile
from storage.models import Account, Attempt, Decision, Institution, Staff, Submission
from tests.support import flow
from tests.support.db import writing
from usecases.staff_commands import update

DAY = date(2026, 3, 10)
#: 08:00 on DAY in Taiwan (UTC+8) is 00:00 UTC.
MORNING = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
REPORT = "/review/v1/reports"


def _taipei(hour: float, day_offset: int = 0) -> datetime:
    """A moment on DAY (+ offset) at `hour` o'clock Taiwan time."""
    return MORNING + timedelta(days=day_offset, hours=hour - 8)


class _Data:
    def __init__(self, session):
        self.session = session
        self.account = Account(
            name="王小明",
            national_id=flow.national_id(1),
            email="fam@example.com",
            email_key="fam@example.com",
            birth_date=date(1985, 2, 3),
            mobile="0912345678",
            password_hash="x",
            consent_version="2024-01",
            consented_at=MORNING,
        )
        session.add(self.account)
        session.flush()
        self.institutions = {i.code: i.id for i in session.scalars(select(Institution)).all()}
        self.staff = {s.email: s.id for s in session.scalars(select(Staff)).all()}

    def attempt(self, code, submitted, status="awaiting_review", checked=None, reasons=()):
        s = Submission(
            kind=SubmissionKind.APPLICATION,  # the kind does not matter to reports
            account_id=self.account.id,
            institution_id=self.institutions[code],
            status=status,
            submitted_at=submitted,
        )
        self.session.add(s)
        self.session.flush()
        a = Attempt(
            submission_id=s.id,
            number=1,
            status=status,
            submitted_at=submitted,
            checked_at=checked,
            reasons=[{"code": c, "message": c, "message_en": c} for c in reasons],
        )
        self.session.add(a)
        self.session.flush()
        return a

    def decided(self, code, submitted, waited_s, reviewer, verdict="approve", reason=None):
        a = self.attempt(code, submitted, status="approved" if verdict == "approve" else "rejected")
        self.session.add(
            Decision(
                attempt_id=a.id,
                submission_id=a.submission_id,
                idempotency_key=a.id,
                staff_id=self.staff[reviewer],
                decision=verdict,
                reason_code=reason,
                decided_at=submitted + timedelta(seconds=waited_s),
            )
        )


@pytest.fixture
def known_day(rt):
    """TTD on DAY: 6 arrivals (one at 00:30 Taiwan, which is still the day before in UTC),
    2 approvals by 林社工 (10 and 20 min), 2 rejections by 陳社工 (1 h off_topic, 2 h
    identity_unreadable), 1 sent back by two checks; one arrival at 23:30 the day before.
    HLD: one arrival."""
    flow.institution(rt, "TTD")
    flow.institution(rt, "HLD")
    reviewers = {"lin@ttd.example": "林社工", "chen@ttd.example": "陳社工"}
    for email, name in reviewers.items():
        flow.staff(rt, email, ["TTD"])
        update(rt, email, actor="operator:test", name=name)
    with writing(rt) as session:
        d = _Data(session)
        d.attempt("TTD", _taipei(0.5))
        d.attempt("TTD", _taipei(23.5, day_offset=-1))
        d.attempt("TTD", _taipei(9), status="needs_fix", checked=_taipei(9.1),
                  reasons=("image_too_small", "text_too_long"))  # fmt: skip
        d.decided("TTD", _taipei(10), 600, "lin@ttd.example")
        d.decided("TTD", _taipei(11), 1200, "lin@ttd.example")
        d.decided("TTD", _taipei(12), 3600, "chen@ttd.example", "reject", "off_topic")
        d.decided("TTD", _taipei(13), 7200, "chen@ttd.example", "reject", "identity_unreadable")
        d.attempt("HLD", _taipei(14))
    return flow.staff(rt, "admin@ttd.example", ["TTD", "HLD"], role="admin")


def test_the_report_counts_a_known_day(client, known_day):
    r = client.get(REPORT, params={"from": "2026-03-10", "to": "2026-03-10"}, headers=known_day)
    assert r.status_code == 200, r.text
    rows = {row["institution"]: row for row in r.json()}
    ttd = rows["TTD"]
    assert ttd["date"] == "2026-03-10"
    assert (ttd["received"], ttd["approved"], ttd["rejected"], ttd["needs_fix"]) == (6, 2, 2, 1)
    assert ttd["rejected_by_reason"] == {"identity_unreadable": 1, "off_topic": 1}
    assert ttd["needs_fix_by_check"] == {"image_too_small": 1, "text_too_long": 1}
    # turnarounds 600, 1200, 3600, 7200 s: nearest-rank p50 is the 2nd, p90 the 4th
    assert (ttd["turnaround_p50_s"], ttd["turnaround_p90_s"]) == (1200, 7200)
    assert [(x["name"], x["decisions"]) for x in ttd["decisions_by_reviewer"]] == [
        ("林社工", 2),
        ("陳社工", 2),
    ]
    assert rows["HLD"]["received"] == 1 and rows["HLD"]["approved"] == 0


def test_days_are_taiwans_and_days_without_events_are_zero(client, known_day):
    r = client.get(
        REPORT,
        params={"from": "2026-03-09", "to": "2026-03-11", "institution": "TTD"},
        headers=known_day,
    )
    received = {row["date"]: row["received"] for row in r.json()}
    # 23:30 on the 9th in Taiwan is the 9th; 00:30 on the 10th is the 10th (though UTC's 9th)
    assert received == {"2026-03-09": 1, "2026-03-10": 6, "2026-03-11": 0}
    assert r.json()[2]["turnaround_p50_s"] is None


def test_the_report_as_csv_has_a_header_and_the_same_numbers(client, known_day):
    r = client.get(
        REPORT,
        params={"from": "2026-03-10", "to": "2026-03-10", "institution": "TTD", "format": "csv"},
        headers=known_day,
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(r.text)))
    assert (row["date"], row["institution"], row["received"], row["approved"]) == (
        "2026-03-10",
        "TTD",
        "6",
        "2",
    )
    assert (row["rejected:off_topic"], row["needs_fix:image_too_small"]) == ("1", "1")
    assert (row["turnaround_p50_s"], row["turnaround_p90_s"]) == ("1200", "7200")
    assert (row["reviewer:林社工"], row["reviewer:陳社工"]) == ("2", "2")


def test_a_reviewer_reports_only_on_their_institutions(client, rt, known_day):
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    r = client.get(REPORT, params={"from": "2026-03-10", "to": "2026-03-10"}, headers=reviewer)
    assert [row["institution"] for row in r.json()] == ["TTD"]
    other = client.get(
        REPORT,
        params={"from": "2026-03-10", "to": "2026-03-10", "institution": "HLD"},
        headers=reviewer,
    )
    assert other.status_code == 404


def test_a_backwards_or_too_long_range_is_refused(client, known_day):
    back = client.get(REPORT, params={"from": "2026-03-10", "to": "2026-03-09"}, headers=known_day)
    long = client.get(REPORT, params={"from": "2024-01-01", "to": "2026-03-09"}, headers=known_day)
    assert back.status_code == long.status_code == 422


def test_nearest_rank_percentiles():
    assert percentile([], 50) is None
    assert percentile([5], 90) == 5
    assert [percentile(list(range(1, 11)), p) for p in (50, 90, 100)] == [5, 9, 10]


def test_reports_as_csv_and_for_an_administrator_stay_within_their_institutions(
    client, rt, known_day
):
    # Given a reviewer and an administrator bound to TTD only (the known day has HLD too)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    ttd_admin = flow.staff(rt, "a@ttd.example", ["TTD"], role="admin")
    day = {"from": "2026-03-10", "to": "2026-03-10"}
    # When each asks for the report, as JSON and as CSV
    for staff in (reviewer, ttd_admin):
        rows = client.get(REPORT, params=day, headers=staff).json()
        table = client.get(REPORT, params={**day, "format": "csv"}, headers=staff).text
        # Then only TTD is in it: an administrator too sees the institutions they are bound to
        assert [row["institution"] for row in rows] == ["TTD"]
        assert [r["institution"] for r in csv.DictReader(io.StringIO(table))] == ["TTD"]
    # …and one bound to both sees both
    both = client.get(REPORT, params=day, headers=known_day).json()
    assert sorted(row["institution"] for row in both) == ["HLD", "TTD"]
