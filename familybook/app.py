"""Assemble the whole system: ingest at /api/v1, review at /review/v1, health, and in
embedded mode the worker pool inside the same process."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from core.metrics_access import metrics_access
from familybook.bootstrap import build_runtime
from familybook.metrics import CONTENT_TYPE_LATEST, metrics_body, refuse_metrics
from ingest.app import create_ingest_app
from ingest.routes import reset_page, verify_page
from moderation.errors import ErrorCode
from review_api.app import create_review_app
from review_api.console import console_redirect, create_console_app
from usecases.runtime import Runtime
from web.body_limits import BodyLimits
from web.deps import docs_urls
from web.docs_pages import serve_docs
from web.errors import error_body, install
from web.log_privacy import install_access_log_filter
from web.observability import NO_OPENTELEMETRY, RequestObservability
from web.security_headers import SecurityHeaders


class Health(BaseModel):
    """The process is up (GET /healthz)."""

    status: str


class Readiness(BaseModel):
    """Every part the system needs answers (GET /readyz); a 503 error body names the one down."""

    status: str
    database: str = Field(description="資料庫：ok")
    broker: str = Field(description="broker：ok，或內建時 ok (in-process)")
    storage: str = Field(description="文件儲存（資料夾或物件儲存）：ok")


#: GET /readyz answers itself (200 or 503); this says what it answers.
READY_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": Readiness, "description": "Ready 可以服務"},
    503: {
        "description": "A part is down 有元件無法使用 (`error.parts` says which)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def _ready(rt: Runtime) -> tuple[bool, dict[str, str]]:
    parts: dict[str, str] = {}
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        parts["database"] = "ok"
    except Exception as exc:
        parts["database"] = f"down: {type(exc).__name__}"
    parts["broker"] = rt.queues.ping()
    try:  # the folder writable, or the bucket there and ours (issue 13)
        rt.files.check()
        parts["storage"] = "ok"
    except Exception as exc:
        parts["storage"] = f"down: {exc}"
    return all(v.startswith("ok") for v in parts.values()), parts


def _freeze_what_startup_made() -> None:
    """Keep the objects of a started process (modules, the app, the mappers: some 180,000)
    out of every later garbage collection. A full collection walked them all, 50-100 ms in
    which the process answered nobody: one every few hundred requests under load, the worst
    answers of the review benchmark. What starting left as garbage is collected first."""
    gc.collect()
    gc.freeze()


def create_app(
    rt: Runtime | None = None, *, run_workers: bool | None = None, apis: str = "all"
) -> FastAPI:
    """The whole system. `run_workers` defaults to True in embedded mode (no Redis); `apis`
    ("all", "ingest" or "review") lets the internet-facing ingest API run apart from the
    review API, which need not be exposed."""
    rt = rt or build_runtime()
    if run_workers is None:
        run_workers = rt.settings.embedded

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = None
        # Set in the server's own event loop: the limiter belongs to the running loop.
        anyio.to_thread.current_default_thread_limiter().total_tokens = rt.settings.api_threads
        if run_workers:
            from workers.runner import WorkerPool

            pool = WorkerPool(rt)
            pool.start()
        _freeze_what_startup_made()
        yield
        if pool is not None:
            pool.stop()

    app = FastAPI(
        title="Familybook 家庭聯絡簿",
        version="1",
        lifespan=lifespan,
        telemetry=NO_OPENTELEMETRY,
        **docs_urls(rt.settings),
    )
    app.state.runtime = rt
    install(app)
    if rt.settings.docs_enabled:
        serve_docs(app)
    app.add_middleware(RequestObservability)  # request ids, access log, request metrics
    if apis in ("all", "ingest"):
        app.mount("/api/v1", create_ingest_app(rt))
    if apis in ("all", "review"):
        app.mount("/review/v1", create_review_app(rt))
        # The reviewer console, after the API so /review/v1 keeps its own routes.
        app.add_route("/review", console_redirect, include_in_schema=False)
        app.mount("/review", create_console_app())

    @app.get("/healthz", response_model=Health)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", responses=READY_DOC)
    def readyz() -> JSONResponse:
        ok, parts = _ready(rt)
        if ok:
            return JSONResponse({"status": "ok", **parts})
        body = error_body(
            ErrorCode.NOT_READY, "系統暫時無法使用。", "A part of the system is down."
        )
        body["error"]["parts"] = parts
        return JSONResponse(body, status_code=503)

    metrics_token = rt.settings.metrics_bearer()  # read once: a missing file stops the start

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        """Prometheus text format (API.md: Operations), to whom core/metrics_access allows."""
        refuse_metrics(
            metrics_access(
                token=metrics_token,
                production=rt.settings.production,
                authorization=request.headers.get("authorization"),
                loopback_client=False,  # a same-host proxy makes everyone look local
            )
        )
        return Response(metrics_body(rt), media_type=CONTENT_TYPE_LATEST)

    app.include_router(verify_page.router)
    app.include_router(reset_page.router)
    install_access_log_filter()
    app.add_middleware(SecurityHeaders, https=rt.settings.public_url.startswith("https://"))
    app.add_middleware(
        BodyLimits,
        json_bytes=rt.settings.max_json_bytes,
        upload_bytes=rt.settings.max_request_bytes,
        read_timeout_s=rt.settings.request_read_timeout_s,
        deadline_s=rt.settings.request_body_deadline_s,
    )
    return app
