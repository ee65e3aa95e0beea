"""`familybook demo`: a demo institution, inmates and a reviewer, and how to try the flow."""

import csv
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from familybook.demo_files import write_demo_files
from moderation.errors import Conflict, ErrorCode
from moderation.institutions import Contact
from moderation.taiwan_time import taiwan_date
from usecases import administration as admin
from usecases import staff_commands
from usecases.runtime import Runtime

MB = 1024 * 1024
#: Taitung's programme rules (seed 001): 「收容人有 18 歲(含)以下之子女者，其配偶或其二親等內之
#: 親屬，或與收容人子女共居之家屬」; 「照(圖)片檔限 1 張(檔案畫質不超過 10M)」; the applicant's
#: 「正面清晰照片」; one post per 30 days (the default).
TAITUNG = {
    "max_child_age": 18,
    "max_relationship_degree": 2,
    "spouse_allowed": True,
    "cohabitant_allowed": True,
    "applicant_photo_required": True,
    "post_max_files": 1,
    "post_max_bytes": 10 * MB,
    "post_max_file_bytes": 10 * MB,
    "post_types": ("image/jpeg", "image/png"),
}
#: 「聯繫窗口：李社工師，電話:(089) 581-014 分機 119；黃輔導員，電話:(089) 581-014 分機 112」
TAITUNG_CONTACTS = [
    Contact("李社工師", "社工師", "(089) 581-014", "119"),
    Contact("黃輔導員", "輔導員", "(089) 581-014", "112"),
]
DEMO_ROSTER = [
    # callsign, name, youngest child's birth date, restricted until, reason
    ("7375", "王大明", "2016-04-01", "", ""),
    ("7376", "陳志強", "2012-09-15", "", ""),
    ("7377", "林建國", "2019-01-20", "2099-12-31", "禁止接見通信"),
]


def load_demo(rt: Runtime) -> dict[str, str]:
    admin.add_institution(rt, "TTD", "法務部矯正署臺東戒治所", contacts=TAITUNG_CONTACTS, **TAITUNG)
    # No options: the agency-wide rules (15-year child age, spouse or first degree, 3 files).
    admin.add_institution(rt, "HLD", "法務部矯正署花蓮看守所")
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.csv"
        with open(roster, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(admin.ROSTER_COLUMNS)
            writer.writerows(DEMO_ROSTER)
        admin.import_inmates(rt, "TTD", roster)
    reviewer = _demo_staff(rt, "reviewer@ttd.example", ["TTD"], "reviewer")
    administrator = _demo_staff(rt, "admin@ttd.example", ["TTD", "HLD"], "admin")
    return {"reviewer": reviewer, "admin": administrator}


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _demo_staff(rt: Runtime, email: str, codes: list[str], role: str) -> str:
    """A demo staff member's token; loading the demo again issues them a new one (`staff add`
    refuses an existing email, so a rerun rotates, explicitly)."""
    try:
        return admin.add_staff(rt, email, codes, role, actor="operator:demo")
    except Conflict as exc:
        if exc.code != ErrorCode.STAFF_EXISTS:
            raise
        return staff_commands.rotate(rt, email, actor="operator:demo").token


def instructions(rt: Runtime, tokens: dict[str, str]) -> str:
    base = "http://localhost:8000"
    files = write_demo_files(rt.settings.data_dir.resolve() / "demo")
    # The SMTP URL may hold a password: printed without it (issue 12).
    mail = (
        rt.settings.mail_dir.resolve()
        if not rt.settings.smtp_url
        else _without_password(rt.settings.smtp_url)
    )
    today = taiwan_date().isoformat()
    return f"""Demo loaded 示範資料已載入:
臺東戒治所 (TTD, Taitung's rules: child aged 18 or under; spouse, 2nd degree or the children's
household; applicant photo; posts one photo of 10 MB), inmates 7375, 7376, 7377 (restricted);
花蓮看守所 (HLD, the agency-wide rules; no inmates loaded).
Reviewer token 審核人員憑證 (shown once): {tokens["reviewer"]}
Admin token 管理者憑證 (shown once):     {tokens["admin"]}

Try it (in another terminal, with `familybook serve` running):
  curl -s -XPOST {base}/api/v1/accounts -H 'content-type: application/json' -d '{{"name":"王小明",
    "national_id":"A123456789","email":"me@example.com","birth_date":"1985-02-03",
    "mobile":"0912345678","phone":"","password":"a long secret","consent":true}}'
  # the verification email is in {mail} — open its link, or:
  curl -s -XPOST {base}/api/v1/accounts/verify -H 'content-type: application/json' \\
    -d '{{"token":"<token from the email>"}}'
  TOKEN=$(curl -s -XPOST {base}/api/v1/sessions -H 'content-type: application/json' \\
    -d '{{"email":"me@example.com","password":"a long secret"}}' \\
    | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
  curl -s {base}/api/v1/institutions/TTD/inmates/7375 -H "authorization: Bearer $TOKEN"
  curl -s -XPOST {base}/api/v1/applications -H "authorization: Bearer $TOKEN" \\
    -F institution=TTD -F callsign=7375 -F relationship=spouse \\
    -F identity_documents=@{files["id_card"]} -F relationship_documents=@{files["household"]} \\
    -F applicant_photo=@{files["applicant"]}
  curl -s {base}/review/v1/queue -H 'authorization: Bearer {tokens["reviewer"]}'
  (then POST /review/v1/items/ID/claim and /review/v1/items/ID/decision with an Idempotency-Key;
   once approved, post with -F attachments=@{files["photo"]}: the README shows how)
Today is {today}; API docs: {base}/api/v1/docs and {base}/review/v1/docs
"""
