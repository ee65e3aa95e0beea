"""The personal-data notice (個人資料蒐集告知聲明) a consent points to, by version."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ingest.deps import SessionDep
from storage.models import Notice
from usecases import notices
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["notices"])


class NoticeOut(BaseModel):
    """One published version; an account's `consent_version` names the one it agreed to."""

    version: str
    text: str = Field(description="告知聲明全文（正體中文）")
    text_en: str = Field(description="The notice in English")
    published_at: str


def _view(notice: Notice) -> dict[str, Any]:
    return {
        "version": notice.version,
        "text": notice.text,
        "text_en": notice.text_en,
        "published_at": notice.published_at.isoformat(),
    }


@router.get("/notices/personal-data", response_model=NoticeOut)
def latest(session: SessionDep) -> dict[str, Any]:
    return _view(notices.latest(session))


@router.get("/notices/personal-data/{version}", response_model=NoticeOut)
def by_version(version: str, session: SessionDep) -> dict[str, Any]:
    return _view(notices.by_version(session, version))
