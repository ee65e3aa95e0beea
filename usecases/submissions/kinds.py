"""What a kind of submission must say for the shared lifecycle to handle it."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from moderation.kinds import SubmissionKind
from moderation.policy import Policy
from moderation.verdicts import Verdict
from storage.models import Decision, Submission
from storage.uploads import Upload
from usecases.transaction import UnitOfWork


@dataclass
class Draft:
    """A new attempt, checked against the kind's rules and ready to record."""

    institution_id: str
    policy: Policy
    title: str | None = None
    body: str | None = None
    flags: list[dict[str, str]] = field(default_factory=list)
    #: Per-kind values `record` needs (the inmate and relationship of an application…).
    details: dict[str, Any] = field(default_factory=dict)


class KindRules(Protocol):
    kind: SubmissionKind
    #: How the family calls one, in the lifecycle's messages: (中文, English).
    noun: tuple[str, str]

    def institution_for_new(
        self, session: Session, account_id: str, upload_fields: dict[str, str]
    ) -> str | None:
        """The institution whose limits a new one streams under, if its fields tell already."""
        ...

    def lock(self, session: Session, account_id: str) -> None:
        """Serialise what must not run twice at once for one family (may do nothing)."""
        ...

    def prepare(
        self,
        session: Session,
        account_id: str,
        upload: Upload,
        *,
        now: datetime,
        replacing: Submission | None,
    ) -> Draft:
        """Check who may send it and its fields; raise the refusal the family reads."""
        ...

    def record(
        self, session: Session, submission: Submission, draft: Draft, *, first: bool
    ) -> None:
        """Write what the kind keeps beside the submission (raises the kind's own conflicts)."""
        ...

    def decided(
        self, work: UnitOfWork, submission: Submission, decision: Decision, verdict: Verdict
    ) -> None:
        """What a reviewer's decision sets off for this kind, in the decision's transaction."""
        ...
