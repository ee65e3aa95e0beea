"""Two reviewers and their double clicks deciding the same item at once, many times over,
against a real API process: one decision wins, every other request is 409."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import BACKEND, MAIL
from tests.faults.conftest import statuses
from tests.faults.procs import wait_until
from tests.support import flow

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BACKEND != "production",
        reason="needs real worker and API processes sharing PostgreSQL and Redis "
        "(FAMILYBOOK_TEST_BACKEND=production)",
    ),
]

ROUNDS = 5  # four rejections, then an approval
REASON = "relationship_unproven"


def _at_once(http, calls):
    """Fire every (method, path, headers, json) at the same moment from its own thread."""
    barrier = threading.Barrier(len(calls))

    def fire(call):
        method, path, headers, body = call
        barrier.wait()
        return http.request(method, path, headers=headers, json=body)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(fire, calls))


def _claim_race(http, app_id, reviewers):
    results = _at_once(
        http, [("POST", f"/review/v1/items/{app_id}/claim", r, None) for r in reviewers]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 409)
    assert refused.json()["error"]["code"] == "claimed_by_other"
    winner = next(rv for rv, r in zip(reviewers, results, strict=True) if r.status_code == 200)
    loser = next(rv for rv in reviewers if rv is not winner)
    return winner, loser


def _decision_race(http, app_id, winner, loser, round_no, body):
    path = f"/review/v1/items/{app_id}/decision"
    keys = [
        (winner, f"r{round_no}-w-same"),  # a double click resends the same key …
        (winner, f"r{round_no}-w-same"),
        (winner, f"r{round_no}-w-other"),  # … or, from another tab, a new one
        (loser, f"r{round_no}-l-1"),
        (loser, f"r{round_no}-l-2"),
    ]
    calls = [("POST", path, {**who, "Idempotency-Key": key}, body) for who, key in keys]
    results = _at_once(http, calls)
    by_key: dict[str, set[int]] = {}
    for (_, key), r in zip(keys, results, strict=True):
        assert r.status_code in (200, 409), r.text
        if r.status_code == 409:
            assert r.json()["error"]["code"] in {"already_decided", "not_claimed"}
        by_key.setdefault(key, set()).add(r.status_code)
    winning = [k for k, codes in by_key.items() if 200 in codes]
    assert len(winning) == 1, by_key  # one decision wins …
    assert by_key[winning[0]] == {200}  # … a repeat of it answers the same
    assert winning[0].startswith(f"r{round_no}-w")
    ok = [r.json() for r in results if r.status_code == 200]
    expected = "approved" if body["decision"] == "approve" else "rejected"
    assert all(b == {"status": expected} for b in ok)
    return Counter(r.status_code for r in results)


def test_two_reviewers_and_double_clicks_decide_once_many_times_over(rt, procs):
    flow.institution(rt, strikes_to_suspend=99)
    one = flow.staff(rt, "one@ttd.example", ["TTD"])
    two = flow.staff(rt, "two@ttd.example", ["TTD"])
    _, api_url = procs.api()
    procs.worker(threads=2)
    with httpx.Client(base_url=api_url, timeout=30) as http:
        fam = flow.family(http, MAIL, "a@example.com")
        r = flow.apply(http, fam)
        assert r.status_code == 202, r.text
        app_id = r.json()["id"]
        totals: Counter[int] = Counter()
        for round_no in range(1, ROUNDS + 1):
            wait_until(
                lambda: statuses(rt, [app_id])[app_id] == "awaiting_review", 30, "awaiting_review"
            )
            winner, loser = _claim_race(http, app_id, [one, two])
            last = round_no == ROUNDS
            body = (
                {"decision": "approve"} if last else {"decision": "reject", "reason_code": REASON}
            )
            totals += _decision_race(http, app_id, winner, loser, round_no, body)
            item = http.get(f"/review/v1/items/{app_id}", headers=winner).json()
            assert item["family"]["rejection_count"] == min(round_no, ROUNDS - 1)
            assert item["status"] == ("approved" if last else "rejected")
            if not last:
                again = http.post(
                    f"/api/v1/applications/{app_id}/attempts",
                    headers=fam.headers,
                    data={"institution": "TTD", "callsign": "7375", "relationship": "spouse"},
                    files=flow.application_files(),
                )
                assert again.status_code == 202, again.text
        # Each decision told the family once: the verification email and one per round
        emails = MAIL.wait_for(fam.email, 1 + ROUNDS, timeout=20)
    assert len(emails) == 1 + ROUNDS
    assert len({m["Message-ID"] for m in emails}) == 1 + ROUNDS
    assert totals[200] >= ROUNDS and totals[200] + totals[409] == 5 * ROUNDS
