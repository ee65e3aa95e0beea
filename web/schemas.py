"""Response bodies both APIs send: a submission's status as the family sees it (the review
API's deliveries show the same post, with the inmate's name beside it).

Timestamps stay the views' strings: `isoformat()` of aware UTC datetimes (`…+00:00`), which
pydantic's own datetime output (`…Z`) would change. Dates are `YYYY-MM-DD`.
"""

from typing import Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from moderation.kinds import SubmissionKind
from moderation.statuses import Status
from web.code_enums import FAMILY_REASON_CODES


class Sparse(BaseModel):
    """A body with keys the view sends only sometimes: those it left out stay out (no null)."""

    # Unannotated on purpose: a return annotation would replace the model's schema in OpenAPI.
    @model_serializer(mode="wrap")
    def _given_keys_only(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        return {k: v for k, v in handler(self).items() if k in self.model_fields_set}


class InmateMasked(BaseModel):
    """An inmate as a family may see them: the callsign and a masked name (王○明)."""

    callsign: str = Field(description="呼號")
    masked_name: str


class Reason(Sparse):
    """Why a submission needs fixing or was refused; a reviewer's reasons carry their advice."""

    code: str = Field(json_schema_extra=FAMILY_REASON_CODES)
    message: str
    message_en: str
    advice: str | None = Field(None, description="審核意見（只在審核人員退件時出現）")


class InstitutionRef(BaseModel):
    """The institution a submission goes to."""

    code: str
    name: str


class AttemptSummary(BaseModel):
    """One sending of a submission's files, with what came of it."""

    number: int
    status: Status
    title: str | None = Field(description="聯絡簿標題；申請為 null")
    submitted_at: str
    decided_at: str | None
    reasons: list[Reason]


class SubmissionStatus(BaseModel):
    """Where a submission stands, as the family sees it (no reviewer names, no flags)."""

    id: str
    kind: SubmissionKind
    institution: InstitutionRef
    status: Status
    status_label: str = Field(description="狀態說明，例如「審核中」")
    status_label_en: str
    reasons: list[Reason] = Field(description="最近一次送件的原因")
    attempt: int = Field(description="目前是第幾次送件")
    attempts: list[AttemptSummary]
    submitted_at: str
    decided_at: str | None


class PostStatus(SubmissionStatus):
    """A contact-book post (聯絡簿) as the family sees it."""

    kind: Literal[SubmissionKind.POST]
    application_id: str
    title: str
    body: str
    delivered_at: str | None = Field(description="送達收容人的時間")
