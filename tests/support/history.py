"""A family with something of everything held about it, made through the API: an approved
application with real uploaded documents, a rejected post (a strike) it appealed, and a photo
the institution published to it. The export and account-closing tests start here."""

from dataclasses import dataclass

from fastapi.testclient import TestClient

from tests.support import files, flow
from tests.support.mail import MailSink
from tests.support.posting import appeal, rejected_post, strikes_of
from usecases.runtime import Runtime

APPEAL_TEXT = "孩子的近況就是家庭支持，請再審一次。"


@dataclass
class History:
    fam: flow.Family
    reviewer: dict[str, str]
    application_id: str
    post_id: str
    strike_id: str
    entry_id: str


def family_with_history(client: TestClient, rt: Runtime, mail: MailSink) -> History:
    flow.institution(rt)
    reviewer = flow.staff(rt, "r@ttd.example", ["TTD"])
    fam, app_id = flow.approved_family(client, mail, reviewer, "hist@example.com")
    post_id = rejected_post(client, reviewer, fam, app_id, title="小明的畢業典禮")
    strike_id = strikes_of(client, fam)[0]["id"]
    assert appeal(client, fam, strike_id, APPEAL_TEXT).status_code == 200
    published = client.post(
        "/review/v1/institution-posts",
        headers=reviewer,
        data={"application_id": app_id, "title": "爸爸的畫", "body": "爸爸畫給小明的圖。"},
        files=[("files", ("drawing.png", files.png_photo(), "image/png"))],
    )
    assert published.status_code == 201, published.text
    return History(fam, reviewer, app_id, post_id, strike_id, published.json()["id"])
