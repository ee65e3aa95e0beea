"""The steps of the family and reviewer flows over HTTP, so tests read like the spec."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from moderation.national_id import check_digit_for
from tests.support import files
from tests.support.db import writing
from tests.support.mail import MailSink
from usecases import administration as admin
from usecases.runtime import Runtime

PASSWORD = "correct horse battery"


def days_from_today(days: int) -> date:
    """A date relative to today in Taiwan, the calendar the institutions keep."""
    from datetime import timedelta

    from moderation.taiwan_time import taiwan_date

    return taiwan_date() + timedelta(days=days)


def national_id(n: int, letter: str = "A", sex: str = "2") -> str:
    first = f"{letter}{sex}{n:07d}"
    return first + check_digit_for(first)


def registration(email: str, n: int = 1, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "王小明",
        "national_id": national_id(n),
        "email": email,
        "birth_date": "1985-02-03",
        "mobile": "0912345678",
        "phone": "02-23456789",
        "password": PASSWORD,
        "consent": True,
    }
    body.update(overrides)
    return body


def token_from(mail: MailSink, address: str, count: int = 1) -> str:
    msg = mail.wait_for(address, count)[count - 1]
    match = re.search(r"verify-email\?token=([A-Za-z0-9_\-]+)", msg.get_content())
    assert match, msg.get_content()
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Family:
    email: str
    token: str
    national_id: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def family(client: TestClient, mail: MailSink, email: str, n: int = 1) -> Family:
    body = registration(email, n)
    assert client.post("/api/v1/accounts", json=body).status_code == 201
    token = token_from(mail, email)
    assert client.post("/api/v1/accounts/verify", json={"token": token}).status_code == 200
    r = client.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return Family(email, r.json()["token"], body["national_id"])


def institution(rt: Runtime, code: str = "TTD", **policy: Any) -> None:
    import csv
    import tempfile
    from pathlib import Path

    admin.add_institution(rt, code, f"測試機關 {code}", **policy)
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "r.csv"
        with open(roster, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(admin.ROSTER_COLUMNS)
            w.writerow(["7375", "王大明", "2016-04-01", "", ""])
            w.writerow(["7376", "陳志強", "2016-04-01", "", ""])
            w.writerow(["7377", "林建國", "2016-04-01", "2099-12-31", "禁止接見通信"])
            w.writerow(["7378", "張家豪", "2001-01-01", "", ""])
        admin.import_inmates(rt, code, roster)


def staff(rt: Runtime, email: str, codes: list[str], role: str = "reviewer") -> dict[str, str]:
    return bearer(admin.add_staff(rt, email, codes, role))


def application_files(
    *, register_pdf: bool = False, **extra: bytes
) -> list[tuple[str, tuple[str, bytes, str]]]:
    """The ID card photographed, and the household register as a photo (or the PDF the
    household-registration office prints)."""
    register = (
        ("戶籍謄本.pdf", files.household_pdf(), "application/pdf")
        if register_pdf
        else ("戶籍謄本.jpg", files.household_jpeg(), "image/jpeg")
    )
    parts = [
        ("identity_documents", ("身分證正面.jpg", files.id_card_jpeg(), "image/jpeg")),
        ("relationship_documents", register),
    ]
    for name, data in extra.items():
        parts.append((name, (f"{name}.bin", data, "application/octet-stream")))
    return parts


def apply(
    client: TestClient,
    fam: Family,
    callsign: str = "7375",
    code: str = "TTD",
    relationship: str = "spouse",
    files_: list[Any] | None = None,
    degree: str | None = None,
) -> Any:
    data = {"institution": code, "callsign": callsign, "relationship": relationship}
    if degree is not None:
        data["relationship_degree"] = degree
    return client.post(
        "/api/v1/applications",
        headers=fam.headers,
        data=data,
        files=files_ if files_ is not None else application_files(),
    )


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def resubmit(
    client: TestClient,
    fam: Family,
    app_id: str,
    callsign: str = "7375",
    files_: list[Any] | None = None,
) -> Any:
    """A new attempt of a service application, with the same fields as `apply`."""
    return client.post(
        f"/api/v1/applications/{app_id}/attempts",
        headers=fam.headers,
        data={"institution": "TTD", "callsign": callsign, "relationship": "spouse"},
        files=files_ if files_ is not None else application_files(),
    )


def unsent_emails(rt: Runtime) -> int:
    from sqlalchemy import func, select

    from storage.models import OutboxEmail

    with writing(rt) as session:
        query = select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
        return int(session.scalar(query) or 0)


def wait_status(
    client: TestClient, fam: Family, app_id: str, statuses: set[str], timeout: float = 30.0
) -> dict[str, Any]:
    def ready() -> dict[str, Any] | None:
        body = client.get(f"/api/v1/applications/{app_id}", headers=fam.headers).json()
        return body if body["status"] in statuses else None

    return wait_for(ready, timeout, f"application {app_id} to be {statuses}")


def claim_and_decide(
    client: TestClient,
    reviewer: dict[str, str],
    item_id: str,
    decision: str = "approve",
    reason_code: str | None = None,
    key: str | None = None,
) -> Any:
    r = client.post(f"/review/v1/items/{item_id}/claim", headers=reviewer)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = {"decision": decision}
    if reason_code:
        body["reason_code"] = reason_code
    return client.post(
        f"/review/v1/items/{item_id}/decision",
        json=body,
        headers={**reviewer, "Idempotency-Key": key or f"{item_id}-{decision}"},
    )


def approved_family(
    client: TestClient,
    mail: MailSink,
    reviewer: dict[str, str],
    email: str,
    n: int = 1,
    callsign: str = "7375",
) -> tuple[Family, str]:
    """A family whose service application a reviewer approved, by the whole flow: upload,
    checks, claim and decision (tests/test_review.py and the end-to-end test)."""
    fam = family(client, mail, email, n=n)
    app_id = apply(client, fam, callsign=callsign).json()["id"]
    wait_status(client, fam, app_id, {"awaiting_review"})
    assert claim_and_decide(client, reviewer, app_id).status_code == 200
    return fam, app_id


def served_family(
    client: TestClient, mail: MailSink, email: str, n: int = 1, callsign: str = "7375"
) -> tuple[Family, str]:
    """A family with an approved service, the application written straight into the database
    as an approval leaves it: for tests about what comes after (posts, strikes, the
    institution's book), which need not pay for its upload, checks and review."""
    fam = family(client, mail, email, n=n)
    rt: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return fam, approved_service(rt, fam.email, callsign=callsign)


def approved_service(rt: Runtime, email: str, *, callsign: str = "7375", code: str = "TTD") -> str:
    from sqlalchemy import select

    from moderation.kinds import SubmissionKind
    from moderation.statuses import Status
    from storage.models import Account, Application, Attempt, Inmate, Institution, Submission
    from storage.models import utcnow as now

    with writing(rt) as session:
        account_id = session.scalar(select(Account.id).where(Account.email_key == email.lower()))
        institution = session.scalar(select(Institution).where(Institution.code == code))
        assert account_id is not None and institution is not None
        inmate_id = session.scalar(
            select(Inmate.id).where(
                Inmate.institution_id == institution.id, Inmate.callsign == callsign
            )
        )
        submission = Submission(
            kind=SubmissionKind.APPLICATION,
            account_id=account_id,
            institution_id=institution.id,
            status=Status.APPROVED,
            attempt=1,
            decided_at=now(),
        )
        session.add(submission)
        session.flush()
        session.add(Application(id=submission.id, inmate_id=inmate_id, relationship="spouse"))
        session.add(
            Attempt(submission_id=submission.id, number=1, status=Status.APPROVED, decided_at=now())
        )
        return submission.id


def post(
    client: TestClient,
    fam: Family,
    application_id: str,
    title: str = "小明的成績單",
    body: str = "爸爸，小明這學期數學考了九十分，很想念你。",
    photo: bytes | None = None,
) -> Any:
    photo = photo if photo is not None else files.png_photo()
    return client.post(
        "/api/v1/posts",
        headers=fam.headers,
        data={"application_id": application_id, "title": title, "body": body},
        files=[("attachments", ("全家福.png", photo, "image/png"))],
    )


def wait_post(
    client: TestClient, fam: Family, post_id: str, statuses: set[str], timeout: float = 30.0
) -> dict[str, Any]:
    def ready() -> dict[str, Any] | None:
        body = client.get(f"/api/v1/posts/{post_id}", headers=fam.headers).json()
        return body if body["status"] in statuses else None

    return wait_for(ready, timeout, f"post {post_id} to be {statuses}")
