"""The family's rights over what is held about it: a copy of everything (GET /me/export) and
closing the account (DELETE /me)."""

import tempfile
from collections.abc import Iterator
from typing import IO

from fastapi import APIRouter, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from ingest.deps import CurrentFamily, WorkDep
from moderation.taiwan_time import taiwan_date
from usecases import closing, exporting
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["accounts"])

#: Read back to the client in pieces this large.
CHUNK = 256 * 1024
#: Exports larger than this are written to a temporary file rather than kept in memory.
IN_MEMORY_BYTES = 8 * 1024 * 1024

EXPORT_DOC: dict[int | str, dict[str, object]] = {
    200: {
        "description": "data.json 與家屬自己的檔案（去除中繼資料的副本） "
        "data.json and the family's own files (sanitized copies)",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()


@router.get("/me/export", response_class=StreamingResponse, responses=EXPORT_DOC)
def export(account: CurrentFamily, work: WorkDep) -> StreamingResponse:
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - _chunks closes it
    exporting.write_export(work, account, out)
    out.seek(0)
    name = f"familybook-{taiwan_date().isoformat()}.zip"
    return StreamingResponse(
        _chunks(out),  # type: ignore[arg-type]
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class CloseIn(BaseModel):
    """The password again: closing cannot be undone."""

    password: str


class Closed(BaseModel):
    closed: bool
    message: str
    message_en: str


@router.delete("/me", status_code=status.HTTP_202_ACCEPTED, response_model=Closed)
def close(body: CloseIn, account: CurrentFamily, work: WorkDep) -> dict[str, object]:
    closing.close_account(work, account, body.password)
    return {
        "closed": True,
        "message": "帳號已關閉，您的文件與個人資料已刪除。",
        "message_en": "Your account is closed; your documents and personal details were erased.",
    }
