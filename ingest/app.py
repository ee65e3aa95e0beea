"""The family-facing API (mounted at /api/v1)."""

from fastapi import FastAPI

from familybook.http_errors import install
from ingest.routes import (
    accounts,
    applications,
    institution_posts,
    institutions,
    posts,
    strikes,
)


def create_ingest_app() -> FastAPI:
    app = FastAPI(title="Familybook ingest API 家庭聯絡簿（家屬）", version="1")
    install(app)
    for module in (accounts, institutions, applications, posts, strikes, institution_posts):
        app.include_router(module.router)
    return app
