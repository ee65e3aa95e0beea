"""Where the forgot-password email's link lands: a form for the new password, typed twice.

Opening the link uses nothing (mail scanners open links); only the form's POST spends the
single-use token. A link that cannot work any more says so before asking for a password.
"""

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse

from ingest.pages import button, hidden, page, password_field, say
from moderation.errors import BadToken, FamilybookError, Gone
from usecases.passwords import check_reset_link, confirm_reset
from web.deps import WorkDep
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, include_in_schema=False)

TITLE = ("重設密碼", "Reset your password")


def _form(token: str, problem: str = "") -> str:
    return (
        problem
        + say(
            "請輸入新密碼兩次，至少 8 個字元。",
            "Type your new password twice, 8 characters or more.",
        )
        + '<form method="post" action="reset-password">'
        + hidden("token", token)
        + password_field("password", "新密碼", "New password")
        + password_field("password_confirm", "再輸入一次新密碼", "The new password again")
        + button("設定新密碼", "Set my new password")
        + "</form>"
    )


def _dead_link(exc: FamilybookError) -> HTMLResponse:
    return page(TITLE, say(exc.message, exc.message_en, bad=True), status_code=400)


@router.get("/reset-password", response_class=HTMLResponse)
def ask(work: WorkDep, token: str = Query("")) -> HTMLResponse:
    try:
        check_reset_link(work, token)
    except (BadToken, Gone) as exc:
        return _dead_link(exc)
    return page(TITLE, _form(token))


@router.post("/reset-password", response_class=HTMLResponse)
def reset(
    work: WorkDep,
    token: str = Form(""),
    password: str = Form(""),
    password_confirm: str = Form(""),
) -> HTMLResponse:
    if password != password_confirm:
        problem = say("兩次輸入的密碼不同，請再輸入。", "The two passwords differ.", bad=True)
        return page(TITLE, _form(token, problem), status_code=400)
    try:
        confirm_reset(work, token, password)
    except (BadToken, Gone) as exc:
        return _dead_link(exc)
    except FamilybookError as exc:
        return page(TITLE, _form(token, say(exc.message, exc.message_en, bad=True)), 400)
    done = say(
        "新密碼已設定。所有裝置都已登出，請用新密碼重新登入。",
        "Your new password is set. Every device was logged out; log in with the new password.",
    )
    return page(TITLE, done)
