"""The staff-facing review API (mounted at /review/v1)."""

from fastapi import FastAPI

from review_api.error_table import ERRORS
from review_api.routes import (
    audit,
    deliveries,
    families,
    institution_posts,
    items,
    notes,
    queue,
    reference,
    reports,
    staff,
)
from usecases.runtime import Runtime
from web.docs_pages import serve_docs
from web.error_docs import document_operation_errors
from web.errors import install


def create_review_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="Familybook review API 家庭聯絡簿（審核）", version="1", docs_url=None, redoc_url=None
    )
    app.state.runtime = rt
    install(app)
    serve_docs(app)
    modules = (queue, items, notes, deliveries, families, institution_posts, reference)
    for module in (*modules, staff, audit, reports):
        app.include_router(module.router)
    document_operation_errors(app, ERRORS)
    return app
