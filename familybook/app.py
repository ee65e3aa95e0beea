"""Assemble the whole system: ingest at /api/v1, review at /review/v1, health, and in
embedded mode the worker pool inside the same process."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text

from familybook import verify_page
from familybook.http_errors import error_body, install
from familybook.runtime import get_runtime
from ingest.app import create_ingest_app
from review_api.app import create_review_app

log = logging.getLogger(__name__)


class Health(BaseModel):
    """The process is up (GET /healthz)."""

    status: str


class Readiness(BaseModel):
    """Every part the system needs answers (GET /readyz); a 503 error body names the one down."""

    status: str
    database: str = Field(description="資料庫：ok")
    broker: str = Field(description="broker：ok，或內建時 ok (in-process)")


#: GET /readyz answers itself (200 or 503); this says what it answers.
READY_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": Readiness, "description": "Ready 可以服務"},
    503: {
        "description": "A part is down 有元件無法使用 (`error.parts` says which)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def _ready() -> tuple[bool, dict[str, str]]:
    from workers.broker import broker

    parts: dict[str, str] = {}
    try:
        with get_runtime().db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        parts["database"] = "ok"
    except Exception as exc:
        parts["database"] = f"down: {type(exc).__name__}"
    client = getattr(broker, "client", None)
    try:
        if client is not None:
            client.ping()
        parts["broker"] = "ok" if client is not None else "ok (in-process)"
    except Exception as exc:
        parts["broker"] = f"down: {type(exc).__name__}"
    return all(v.startswith("ok") for v in parts.values()), parts


def create_app(*, run_workers: bool | None = None, apis: str = "all") -> FastAPI:
    """The whole system. `run_workers` defaults to True in embedded mode (no Redis); `apis`
    ("all", "ingest" or "review") lets the internet-facing ingest API run apart from the
    review API, which need not be exposed."""
    settings = get_runtime().settings
    if run_workers is None:
        run_workers = settings.embedded

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = None
        if run_workers:
            from workers.runner import WorkerPool

            pool = WorkerPool()
            pool.start()
        yield
        if pool is not None:
            pool.stop()

    app = FastAPI(title="Familybook 家庭聯絡簿", version="1", lifespan=lifespan)
    install(app)
    if apis in ("all", "ingest"):
        app.mount("/api/v1", create_ingest_app())
    if apis in ("all", "review"):
        app.mount("/review/v1", create_review_app())

    @app.get("/healthz", response_model=Health)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", responses=READY_DOC)
    def readyz() -> JSONResponse:
        ok, parts = _ready()
        if ok:
            return JSONResponse({"status": "ok", **parts})
        body = error_body("not_ready", "系統暫時無法使用。", "A part of the system is down.")
        body["error"]["parts"] = parts
        return JSONResponse(body, status_code=503)

    app.include_router(verify_page.router)
    return app
