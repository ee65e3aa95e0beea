"""The staff-facing review API (mounted at /review/v1)."""

from fastapi import FastAPI

from review_api.error_table import ERRORS
from review_api.routes import (
    audit,
    corrections,
    deliveries,
    families,
    institution_posts,
    items,
    notes,
    queue,
    reference,
    reports,
    services,
    staff,
    suspensions,
)
from usecases.runtime import Runtime
from web.deps import docs_urls
from web.docs_pages import serve_docs
from web.error_docs import document_operation_errors
from web.errors import install
from web.observability import NO_OPENTELEMETRY


def create_review_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="Familybook review API 家庭聯絡簿（審核）",
        version="1",
        telemetry=NO_OPENTELEMETRY,
        **docs_urls(rt.settings),
    )
    app.state.runtime = rt
    install(app)
    if rt.settings.docs_enabled:
        serve_docs(app)
    modules = (queue, items, notes, deliveries, families, institution_posts, reference)
    for module in (*modules, staff, audit, reports, services, suspensions, corrections):
        app.include_router(module.router)
    document_operation_errors(app, ERRORS)
    return app
