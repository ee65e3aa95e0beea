"""Where the verification email's link lands when no portal is in front of us.

A GET only shows a button: mail scanners open the links in an email, and would otherwise use up
the family's single-use token before the family does. The button POSTs it.
"""

import html

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse

from moderation.errors import FamilybookError
from usecases.accounts import verify_email
from web.deps import WorkDep

router = APIRouter(include_in_schema=False)


def _page(zh: str, en: str, extra: str = "", status_code: int = 200) -> HTMLResponse:
    page = (
        "<!doctype html><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>家庭聯絡簿</title><p>{html.escape(zh)}<p lang=en>{html.escape(en)}{extra}"
    )
    return HTMLResponse(page, status_code=status_code)


@router.get("/verify-email", response_class=HTMLResponse)
def ask(token: str = Query("")) -> HTMLResponse:
    button = (
        '<form method="post" action="verify-email">'
        f'<input type="hidden" name="token" value="{html.escape(token, quote=True)}">'
        '<button type="submit">完成帳號驗證 Verify my account</button></form>'
    )
    return _page("請按下按鈕完成帳號驗證。", "Press the button to verify your account.", button)


@router.post("/verify-email", response_class=HTMLResponse)
def verify(work: WorkDep, token: str = Form("")) -> HTMLResponse:
    try:
        verify_email(work, token)
    except FamilybookError as exc:
        return _page(exc.message, exc.message_en, status_code=400)
    return _page("帳號驗證完成，現在可以登入了。", "Your email is verified; you can log in.")
