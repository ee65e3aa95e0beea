"""The staff-facing review API (mounted at /review/v1)."""

from fastapi import FastAPI

from familybook.http_errors import install
from review_api.routes import items, reference


def create_review_app() -> FastAPI:
    app = FastAPI(title="Familybook review API 家庭聯絡簿（審核）", version="1")
    install(app)
    app.include_router(items.router)
    app.include_router(reference.router)
    return app
