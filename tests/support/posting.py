"""Steps of the posting story (issue 5) shared by the posts, strikes and institution-book tests.

Built on `flow`; the clock is moved by shifting stored times back, never by sleeping.
"""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from storage.models import Account, Suspension, utcnow
from tests.support import flow
from tests.support.db import writing
from tests.support.mail import MailSink
from usecases.runtime import Runtime


def served_family(
    client: TestClient, rt: Runtime, mail: MailSink, code: str = "TTD", **policy: Any
) -> tuple[dict[str, str], flow.Family, str]:
    """An institution with `policy`, its reviewer, and a family whose service is approved."""
    flow.institution(rt, code, **policy)
    reviewer = flow.staff(rt, f"r@{code.lower()}.example", [code])
    fam, app_id = flow.served_family(client, mail, "fam@example.com")
    return reviewer, fam, app_id


def admin_of(rt: Runtime, code: str = "TTD") -> dict[str, str]:
    return flow.staff(rt, f"admin@{code.lower()}.example", [code], role="admin")


def rejected_post(
    client: TestClient,
    reviewer: dict[str, str],
    fam: flow.Family,
    app_id: str,
    title: str = "小明的近況",
    reason: str = "off_topic",
) -> str:
    """The family posts; once checked, the reviewer rejects it (one strike). Returns its id."""
    r = flow.post(client, fam, app_id, title=title)
    assert r.status_code == 202, r.text
    post_id: str = r.json()["id"]
    flow.wait_post(client, fam, post_id, {"awaiting_review"})
    decided = flow.claim_and_decide(client, reviewer, post_id, "reject", reason)
    assert decided.json() == {"status": "rejected"}, decided.text
    return post_id


def me(client: TestClient, fam: flow.Family) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/api/v1/me", headers=fam.headers).json()
    return body


def strikes_of(client: TestClient, fam: flow.Family) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = client.get("/api/v1/strikes", headers=fam.headers).json()
    return body


def appeal(client: TestClient, fam: flow.Family, strike_id: str, text: str = "這是誤會。") -> Any:
    return client.post(
        f"/api/v1/strikes/{strike_id}/appeal", headers=fam.headers, json={"text": text}
    )


def decide_appeal(client: TestClient, admin: dict[str, str], strike_id: str, outcome: str) -> Any:
    return client.post(
        f"/review/v1/strikes/{strike_id}/appeal-decision", headers=admin, json={"outcome": outcome}
    )


def lift(client: TestClient, staff: dict[str, str], fam: flow.Family) -> Any:
    return client.delete(f"/review/v1/accounts/{me(client, fam)['id']}/suspension", headers=staff)


def end_suspensions(rt: Runtime, email: str) -> None:
    """Let the family's suspension run out, as if its month had passed."""
    past = utcnow() - timedelta(seconds=1)
    with writing(rt) as session:
        account_id = session.query(Account.id).filter(Account.email == email).scalar()
        session.execute(
            update(Suspension).where(Suspension.account_id == account_id).values(until=past)
        )
        session.execute(
            update(Account).where(Account.id == account_id).values(suspended_until=past)
        )
