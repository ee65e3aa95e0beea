"""Stream an upload into the file store, then hand it to a use case that records it (202).

No database session is open while the bytes arrive (SQLite's write lock and PostgreSQL's
connections are not held for a slow upload). Whatever the use case refuses leaves no file.
"""

from collections.abc import Callable
from typing import Any

from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request

from storage.uploads import Upload
from usecases.runtime import Runtime
from usecases.submissions.lifecycle import Accepted
from web.uploads import RulesFor, receive_upload


async def accept_upload(
    request: Request,
    rt: Runtime,
    *,
    file_fields: frozenset[str],
    record: Callable[[Upload], Accepted],
    rules_for: RulesFor | None = None,
) -> dict[str, Any]:
    upload = await receive_upload(
        request,
        rt.files,
        file_fields=file_fields,
        max_bytes=rt.settings.max_request_bytes,
        rules_for=rules_for,
    )
    try:
        # The use case commits, then wakes the checks (a synchronous broker call): both off the
        # event loop, in case the database or the broker is slow or gone.
        result = await run_in_threadpool(record, upload)
    except BaseException:
        upload.discard()
        raise
    return {"id": result.submission_id, "status": result.status, "attempt": result.attempt}
