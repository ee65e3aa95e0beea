"""Log out, forgot password, change password (API 1.1: family account lifecycle)."""

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ingest.deps import ClientAddress, CurrentFamily, WorkDep
from ingest.schemas import ResendNotice
from usecases import passwords
from web.deps import BearerToken
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["accounts"])

#: A reset request is answered no sooner than this: a registered address costs a token and an
#: email more than a stranger's (about 5 ms, bench/bench_reset_timing.py), which must not show.
#: Waited asynchronously, holding no thread.
RESET_ANSWER_FLOOR_S = 0.3


class ResetRequestIn(BaseModel):
    """Forgot password: the login email."""

    email: Annotated[str, Field(max_length=254)]


class ResetConfirmIn(BaseModel):
    """The token from the emailed link and the new password."""

    token: Annotated[str, Field(max_length=200)]
    password: str


class PasswordChangeIn(BaseModel):
    current_password: str
    new_password: str


class PasswordReset(BaseModel):
    """The new password is set; every session of the account has ended."""

    password_reset: bool
    message: str
    message_en: str


def _reset_requested(minutes: int) -> dict[str, str]:
    """The one answer to a reset request, whatever the email: it reveals no account."""
    return {
        "message": f"若此信箱已註冊，重設密碼的連結已寄出，{minutes} 分鐘內有效。",
        "message_en": f"If this address has an account, a link valid {minutes} minutes was sent.",
    }


@router.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT)
def logout(_: CurrentFamily, token: BearerToken, work: WorkDep) -> Response:
    passwords.logout(work, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/accounts/password-reset", status_code=status.HTTP_202_ACCEPTED, response_model=ResendNotice
)
async def request_reset(
    body: ResetRequestIn, work: WorkDep, client: ClientAddress
) -> dict[str, str]:
    started = time.monotonic()
    try:
        await run_in_threadpool(passwords.request_reset, work, body.email, client=client)
    finally:  # the throttle's 429 waits as long: it, too, is the same for any address
        await asyncio.sleep(max(0.0, started + RESET_ANSWER_FLOOR_S - time.monotonic()))
    return _reset_requested(work.rt.settings.password_reset_minutes)


@router.post("/accounts/password-reset/confirm", response_model=PasswordReset)
def confirm_reset(body: ResetConfirmIn, work: WorkDep) -> dict[str, object]:
    passwords.confirm_reset(work, body.token, body.password)
    return {
        "password_reset": True,
        "message": "新密碼已設定，請用新密碼登入。",
        "message_en": "Your new password is set; please log in with it.",
    }


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    body: PasswordChangeIn, account: CurrentFamily, token: BearerToken, work: WorkDep
) -> Response:
    passwords.change_password(work, account, token, body.current_password, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
