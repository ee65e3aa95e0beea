"""The institution's book as the family sees it (查看機關聯絡簿).

Families get only the checks' sanitized copy of a staff file, never the original (which may
carry EXIF with GPS or hidden content); a file without one is neither listed nor served.
"""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from ingest.deps import CurrentFamily, RuntimeDep, SessionDep
from ingest.schemas import InstitutionPostEntry
from moderation.errors import not_found
from storage.models import Institution, InstitutionPost, InstitutionPostFile
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["institution posts"])


@router.get("/institution-posts", response_model=list[InstitutionPostEntry])
def list_entries(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
    rows = session.execute(
        select(InstitutionPost, Institution.name)
        .join(Institution, Institution.id == InstitutionPost.institution_id)
        .where(InstitutionPost.account_id == account.id)
        .order_by(InstitutionPost.created_at.desc())
    ).all()
    out = []
    for entry, institution in rows:
        files = session.scalars(
            select(InstitutionPostFile).where(InstitutionPostFile.institution_post_id == entry.id)
        ).all()
        out.append(
            {
                "id": entry.id,
                "institution": institution,
                "title": entry.title,
                "body": entry.body,
                "created_at": entry.created_at.isoformat(),
                "application_id": entry.application_id,
                "files": [
                    {
                        "id": f.id,
                        "name": f.original_name,
                        "type": f.sanitized_type,
                        "size": f.sanitized_size,
                    }
                    for f in files
                    if f.sanitized_key is not None
                ],
            }
        )
    return out


@router.get("/institution-posts/{entry_id}/files/{file_id}", response_class=StreamingResponse)
def entry_file(
    entry_id: str, file_id: str, account: CurrentFamily, session: SessionDep, rt: RuntimeDep
) -> StreamingResponse:
    entry = session.get(InstitutionPost, entry_id)
    row = session.get(InstitutionPostFile, file_id)
    if (
        entry is None
        or entry.account_id != account.id
        or row is None
        or row.institution_post_id != entry.id
        or row.sanitized_key is None
    ):
        raise not_found("這個檔案")
    return StreamingResponse(
        rt.files.chunks(row.sanitized_key),
        media_type=row.sanitized_type,
        headers={
            "Content-Disposition": f'inline; filename="{row.id}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
