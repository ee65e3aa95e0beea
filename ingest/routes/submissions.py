"""Applications and posts: send one, see them, send a new attempt. One set of routes per kind,
made by `submission_routes`, over the one lifecycle (`usecases.submissions.lifecycle`)."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ingest.accepting import accept_upload
from ingest.deps import CurrentFamily, RuntimeDep, SessionDep, UploadingFamily
from ingest.schemas import SubmissionAccepted
from moderation.file_rules import rules_for
from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from storage.models import Submission, utcnow
from storage.queries import own_submissions
from usecases.submissions import lifecycle
from web.routing import ReadEndingRoute

View = Callable[[Session, Submission], dict[str, Any]]


def _upload_doc(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": properties}
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": schema}},
        }
    }


def submission_routes(
    kind: SubmissionKind,
    *,
    path: str,
    id_name: str,
    view: View,
    response: type[BaseModel],
    upload_doc: dict[str, Any],
) -> APIRouter:
    router = APIRouter(route_class=ReadEndingRoute, tags=[path])
    _sending(router, kind, path=path, id_name=id_name, upload_doc=upload_doc)
    _reading(router, kind, path=path, id_name=id_name, view=view, response=response)
    return router


def _sending(
    router: APIRouter, kind: SubmissionKind, *, path: str, id_name: str, upload_doc: dict[str, Any]
) -> None:
    file_fields = rules_for(kind, Policy()).fields
    SubmissionId = Annotated[str, Path(alias=id_name)]

    @router.post(
        f"/{path}",
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=upload_doc,
        response_model=SubmissionAccepted,
    )
    async def send(request: Request, account: UploadingFamily, rt: RuntimeDep) -> dict[str, Any]:
        return await accept_upload(
            request,
            rt,
            file_fields=file_fields,
            rules_for=lambda fields: lifecycle.file_rules_for_new(rt, account.id, kind, fields),
            record=lambda upload: lifecycle.submit(rt, account.id, kind, upload, now=utcnow()),
        )

    @router.post(
        f"/{path}/{{{id_name}}}/attempts",
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=upload_doc,
        response_model=SubmissionAccepted,
    )
    async def send_again(
        submission_id: SubmissionId, request: Request, account: UploadingFamily, rt: RuntimeDep
    ) -> dict[str, Any]:
        return await accept_upload(
            request,
            rt,
            file_fields=file_fields,
            rules_for=lambda _: lifecycle.file_rules_for_attempt(
                rt, account.id, kind, submission_id
            ),
            record=lambda upload: lifecycle.resubmit(
                rt, account.id, kind, submission_id, upload, now=utcnow()
            ),
        )


def _reading(
    router: APIRouter,
    kind: SubmissionKind,
    *,
    path: str,
    id_name: str,
    view: View,
    response: type[BaseModel],
) -> None:
    SubmissionId = Annotated[str, Path(alias=id_name)]

    @router.get(f"/{path}", response_model=list[response])  # type: ignore[valid-type]
    def list_own(account: CurrentFamily, session: SessionDep) -> list[dict[str, Any]]:
        return [view(session, s) for s in own_submissions(session, account.id, kind)]

    @router.get(f"/{path}/{{{id_name}}}", response_model=response)
    def get_own(
        submission_id: SubmissionId, account: CurrentFamily, session: SessionDep
    ) -> dict[str, Any]:
        return view(session, lifecycle.own(session, account.id, kind, submission_id))


_FILES = {"type": "array", "maxItems": 4, "items": {"type": "string", "format": "binary"}}
APPLICATION_UPLOAD = _upload_doc(
    ["institution", "callsign", "relationship", "identity_documents", "relationship_documents"],
    {
        "institution": {"type": "string"},
        "callsign": {"type": "string"},
        "relationship": {"type": "string"},
        "relationship_degree": {"type": "integer", "minimum": 1, "maximum": 6},
        "identity_documents": _FILES,
        "relationship_documents": _FILES,
        "applicant_photo": {"type": "string", "format": "binary"},
    },
)
POST_UPLOAD = _upload_doc(
    ["application_id", "title", "body"],
    {
        "application_id": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string", "description": "at most 100 characters"},
        "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
    },
)
