"""Claim-next on PostgreSQL in one statement: find the oldest free item, claim it, move its
attempt, and write the two audit entries (the claim, and the look claim-next answers with).

Why one statement: the same steps as separate statements (two candidate reads, the guarded
UPDATE, the attempt's UPDATE, two audit INSERTs) were six round trips, each costing the API
process and PostgreSQL more CPU than its rows; with ten reviewers asking at once on two cores,
that CPU is the wait of the tenth.

The oldest waiting item is looked for in each of the reviewer's institutions (a LATERAL
subquery each, an ordered scan of `ix_submissions_claimable` that stops at its first free row):
`institution_id IN (...)` over two institutions read and sorted every waiting item of both
(43 ms for 40,000).

The rules are those of `usecases.review.claim_next` and `claims.take`, which SQLite still runs
step by step: the candidate is the older of the oldest item awaiting review and any older item
whose lease lapsed; its row is locked with FOR UPDATE SKIP LOCKED, so reviewers asking at once
each get a different row, and a row that changed before we locked it is checked again by
PostgreSQL against the conditions (READ COMMITTED's recheck), so a claim by id that landed first
wins and we never take an item someone holds.

The statement is written so that PostgreSQL keeps one plan for it (prepared, after psycopg's
fifth run): a reviewer of one institution has a statement without an array (below), and the
lapsed leases are found by their own index in a subquery of their own (`OFFSET 0` keeps it
apart) against `(SELECT :now)`, a value no plan can see. Planned for the actual time, the
claim looked cheaper than any generic plan, so it was planned again on every claim (0.5 ms of
PostgreSQL's 2); planned generically against a bare `:now`, it read every claimed item of the
institution (5 ms with 3,700 held). The locked row's own lease is checked again in the outer
query, so a lease renewed while we looked is rechecked on the new row and not taken.
"""

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from moderation.audit import AuditAction
from moderation.kinds import SubmissionKind
from moderation.statuses import Status, ensure_transition
from storage.models import Submission
from storage.transitions import MOVES_KEY

_CLAIM = """
WITH waiting AS (
    {waiting_scan}
), lapsed AS (
    SELECT id, submitted_at FROM submissions s
    WHERE status = '{held}' AND lease_expires_at <= (SELECT CAST(:now AS timestamptz))
      AND s.id IN (
        SELECT l.id FROM submissions l
        WHERE l.status = '{held}' AND l.institution_id {in_scope} {kind}
          AND l.lease_expires_at <= (SELECT CAST(:now AS timestamptz))
        OFFSET 0)
      AND NOT EXISTS (
        SELECT 1 FROM waiting w WHERE (w.submitted_at, w.id) <= (s.submitted_at, s.id))
    ORDER BY submitted_at, id LIMIT 1
    FOR UPDATE SKIP LOCKED
), pick AS (
    SELECT id FROM (SELECT * FROM waiting UNION ALL SELECT * FROM lapsed) candidates
    ORDER BY submitted_at, id LIMIT 1
), claimed AS (
    UPDATE submissions s
    SET status = '{held}', claimed_by = :staff_id, lease_expires_at = :until,
        version = s.version + 1, status_changed_at = :now
    FROM pick WHERE s.id = pick.id
    RETURNING s.*
), attempt AS (
    UPDATE attempts a SET status = '{held}' FROM claimed c
    WHERE a.submission_id = c.id AND a.number = c.attempt
), audit AS (
    INSERT INTO audit_log (at, actor, action, submission_id, institution_id, account_id, detail)
    SELECT :now, :actor, x.action, c.id, c.institution_id, c.account_id, CAST('{{}}' AS json)
    FROM claimed c CROSS JOIN (VALUES (1, '{claim}'), (2, '{view}')) AS x (n, action)
    ORDER BY x.n
)
SELECT * FROM claimed
"""

#: The oldest free waiting item of each institution, the oldest of those taken.
_WAITING_IN_EACH = """SELECT c.id, c.submitted_at
    FROM unnest(CAST(:ids AS text[])) AS i (id) CROSS JOIN LATERAL (
        SELECT id, submitted_at FROM submissions
        WHERE status = '{waiting}' AND institution_id = i.id {kind}
        ORDER BY submitted_at, id LIMIT 1
        FOR UPDATE SKIP LOCKED
    ) c
    ORDER BY c.submitted_at, c.id LIMIT 1"""

#: A reviewer of one institution (most of them): the same scan, without the array.
#: PostgreSQL cannot tell how long an array parameter is: it costs a generic plan for a
#: hundred institutions, and so plans the array's statement for its values every time.
_WAITING_IN_ONE = """SELECT id, submitted_at FROM submissions
    WHERE status = '{waiting}' AND institution_id = :id {kind}
    ORDER BY submitted_at, id LIMIT 1
    FOR UPDATE SKIP LOCKED"""


def _statement(has_kind: bool, one: bool):  # type: ignore[no-untyped-def]
    kind = "AND kind = :kind" if has_kind else ""
    waiting = (_WAITING_IN_ONE if one else _WAITING_IN_EACH).format(
        waiting=Status.AWAITING_REVIEW.value, kind=kind
    )
    sql = _CLAIM.format(
        waiting_scan=waiting,
        in_scope="= :id" if one else "= ANY (CAST(:ids AS text[]))",
        held=Status.IN_REVIEW.value,
        kind=kind,
        claim=AuditAction.CLAIM.value,
        view=AuditAction.VIEW_ITEM.value,
    )
    return select(Submission).from_statement(text(sql))


#: Built once (a statement built per claim costs CPU for nothing), bound per claim.
_STATEMENTS = {
    (has_kind, one): _statement(has_kind, one)
    for has_kind in (False, True)
    for one in (False, True)
}


def claim_oldest(
    session: Session,
    institution_ids: list[str],
    kind: SubmissionKind | None,
    *,
    staff_id: str,
    actor: str,
    now: datetime,
    until: datetime,
) -> Submission | None:
    """The item now claimed by `staff_id` until `until` (its claim and look audited), or None
    when nothing in these institutions is free. PostgreSQL only."""
    ensure_transition(Status.AWAITING_REVIEW, Status.IN_REVIEW)
    one = len(institution_ids) == 1
    params = {
        "id" if one else "ids": institution_ids[0] if one else institution_ids,
        "kind": kind.value if kind else None,
        "now": now,
        "until": until,
        "staff_id": staff_id,
        "actor": actor,
    }
    claimed = session.scalars(
        _STATEMENTS[kind is not None, one], params, execution_options={"populate_existing": True}
    ).one_or_none()
    if claimed is not None:
        session.info.setdefault(MOVES_KEY, []).append((claimed.kind, Status.IN_REVIEW.value))
    return claimed
