"""Reference data and figures: rejection reasons, queue statistics."""

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from moderation.reasons import REASONS
from moderation.statuses import IN_QUEUE
from review_api.deps import CurrentStaff, RuntimeDep, SessionDep
from review_api.stats_schemas import ReasonOption, Stats
from storage.models import Institution, Submission, utcnow
from usecases.pipeline_health import stuck_report
from web.routing import ReadEndingRoute

router = APIRouter(route_class=ReadEndingRoute, tags=["review"])


@router.get("/reasons", response_model=list[ReasonOption])
def reasons(_: CurrentStaff) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "label": r.label, "label_en": r.label_en, "applies_to": list(r.applies_to)}
        for r in REASONS
    ]


@router.get("/stats", response_model=Stats)
def stats(session: SessionDep, staff: CurrentStaff, rt: RuntimeDep) -> dict[str, Any]:
    now = utcnow()
    rows = session.execute(
        select(
            Institution.code,
            Submission.kind,
            Submission.status,
            func.count(),
            func.min(Submission.submitted_at),
        )
        .join(Institution, Institution.id == Submission.institution_id)
        .where(Submission.institution_id.in_(staff.institution_ids))
        .group_by(Institution.code, Submission.kind, Submission.status)
    ).all()
    queues: dict[tuple[str, str], dict[str, Any]] = {}
    for code, kind, status, count, oldest in rows:
        entry = queues.setdefault(
            (code, kind),
            {
                "institution": code,
                "kind": kind,
                "by_status": {},
                "queue_length": 0,
                "oldest_waiting_s": 0,
            },
        )
        entry["by_status"][status] = count
        if status in IN_QUEUE:
            entry["queue_length"] += count
            waited = int((now - oldest.replace(tzinfo=now.tzinfo)).total_seconds())
            entry["oldest_waiting_s"] = max(entry["oldest_waiting_s"], waited)
    report = stuck_report(rt, session, institution_ids=staff.institution_ids)
    return {
        "queues": sorted(queues.values(), key=lambda e: (e["institution"], e["kind"])),
        "stuck": report,
    }
