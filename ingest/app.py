"""The family-facing API (mounted at /api/v1)."""

from fastapi import FastAPI

from ingest.error_table import ERRORS
from ingest.routes import (
    account_security,
    accounts,
    institution_posts,
    institutions,
    notices,
    personal_data,
    services,
    strikes,
)
from ingest.routes.submissions import APPLICATION_UPLOAD, POST_UPLOAD, submission_routes
from ingest.schemas import ApplicationStatus
from ingest.views import application_view, post_view
from moderation.kinds import SubmissionKind
from usecases.runtime import Runtime
from web.deps import docs_urls
from web.docs_pages import serve_docs
from web.error_docs import document_operation_errors
from web.errors import install
from web.observability import NO_OPENTELEMETRY
from web.schemas import PostStatus


def create_ingest_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="Familybook ingest API 家庭聯絡簿（家屬）",
        version="1",
        telemetry=NO_OPENTELEMETRY,
        **docs_urls(rt.settings),
    )
    app.state.runtime = rt
    install(app)
    if rt.settings.docs_enabled:
        serve_docs(app)
    app.include_router(accounts.router)
    app.include_router(account_security.router)
    app.include_router(notices.router)
    app.include_router(personal_data.router)
    app.include_router(institutions.router)
    app.include_router(
        submission_routes(
            SubmissionKind.APPLICATION,
            path="applications",
            id_name="application_id",
            view=application_view,
            response=ApplicationStatus,
            upload_doc=APPLICATION_UPLOAD,
        )
    )
    app.include_router(
        submission_routes(
            SubmissionKind.POST,
            path="posts",
            id_name="post_id",
            view=post_view,
            response=PostStatus,
            upload_doc=POST_UPLOAD,
        )
    )
    app.include_router(services.router)
    app.include_router(strikes.router)
    app.include_router(institution_posts.router)
    document_operation_errors(app, ERRORS)
    return app
