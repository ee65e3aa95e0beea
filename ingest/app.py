"""The family-facing API (mounted at /api/v1)."""

from fastapi import FastAPI

from ingest.error_table import ERRORS
from ingest.routes import accounts, institution_posts, institutions, strikes
from ingest.routes.submissions import APPLICATION_UPLOAD, POST_UPLOAD, submission_routes
from ingest.schemas import ApplicationStatus
from ingest.views import application_view, post_view
from moderation.kinds import SubmissionKind
from usecases.runtime import Runtime
from web.docs_pages import serve_docs
from web.error_docs import document_operation_errors
from web.errors import install
from web.schemas import PostStatus


def create_ingest_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="Familybook ingest API 家庭聯絡簿（家屬）", version="1", docs_url=None, redoc_url=None
    )
    app.state.runtime = rt
    install(app)
    serve_docs(app)
    app.include_router(accounts.router)
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
    app.include_router(strikes.router)
    app.include_router(institution_posts.router)
    document_operation_errors(app, ERRORS)
    return app
