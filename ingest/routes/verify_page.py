"""Where the verification email's link lands when no portal is in front of us.

A GET only shows a button: mail scanners open the links in an email, and would otherwise use up
the family's single-use token before the family does. The button POSTs it.
"""

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse

from ingest.pages import button, hidden, page, say
from moderation.errors import FamilybookError
from usecases.accounts import verify_email
from web.deps import WorkDep
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, include_in_schema=False)

TITLE = ("帳號驗證", "Verify your account")


@router.get("/verify-email", response_class=HTMLResponse)
def ask(token: str = Query("")) -> HTMLResponse:
    form = (
        '<form method="post" action="verify-email">'
        f"{hidden('token', token)}{button('完成帳號驗證', 'Verify my account')}</form>"
    )
    return page(
        TITLE, say("請按下按鈕完成帳號驗證。", "Press the button to verify your account.") + form
    )


@router.post("/verify-email", response_class=HTMLResponse)
def verify(work: WorkDep, token: str = Form("")) -> HTMLResponse:
    try:
        verify_email(work, token)
    except FamilybookError as exc:
        return page(TITLE, say(exc.message, exc.message_en, bad=True), status_code=400)
    return page(
        TITLE, say("帳號驗證完成，現在可以登入了。", "Your email is verified; you can log in.")
    )
