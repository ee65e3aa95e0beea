"""Import an institution's roster (issue 13): checked whole before anything is written, then
written in short batches.

SQLite has one writer: a 10,000-line import in one transaction held its lock for 12.6 s and a
reviewer's claim waited that long (PITFALLS.md). Here the plan is read once, the writes go in
batches, each its own transaction (`storage.bulk`: 500 rows on SQLite, a few milliseconds, so a
reviewer's request gets its turn between two batches; 10,000 rows in one COPY or one UPDATE on
PostgreSQL, whose readers never wait for a writer). A failure part-way leaves the batches before
it written; running the import again finishes it (rows already right count as unchanged).

With `--mark-missing-released` (the file is the full roster) an inmate it leaves out has left:
marked released, and a service running for them ends for the release exactly as when an
administrator ends it (`usecases.services`: the family emailed, the inmate free, audited).
"""

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import select

from moderation.errors import ErrorCode, InvalidInput, NotFound
from moderation.kinds import SubmissionKind
from moderation.roster import Roster, RosterRow
from moderation.statuses import Status
from storage import bulk
from storage.models import Application, Inmate, Institution, Submission, new_ids, utcnow
from usecases import services
from usecases.runtime import Runtime
from usecases.transaction import transaction

#: Called after each batch with (rows written so far, rows to write).
Progress = Callable[[int, int], None]
T = TypeVar("T")
_FIELDS = ("name", "youngest_child_birth_date", "restricted_until", "restriction_reason")
#: A row's `_FIELDS`, as a tuple (one C call: 100,000 rows compared and written).
_fields: Callable[[RosterRow], tuple[Any, ...]] = attrgetter(*_FIELDS)


@dataclass
class RosterPlan:
    institution_id: str
    added: list[RosterRow] = field(default_factory=list)
    #: (inmate id, the row it becomes)
    updated: list[tuple[str, RosterRow]] = field(default_factory=list)
    unchanged: int = 0
    #: Inmates on record (not released) whom the file does not list.
    removed: list[str] = field(default_factory=list)
    #: Running services (application ids) of inmates the file does not list: they end when
    #: the file is the full roster.
    ending: list[str] = field(default_factory=list)

    def counts(self, *, mark_missing_released: bool = False) -> dict[str, int]:
        counts = {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
        }
        if mark_missing_released:
            counts |= {"released": len(self.removed), "services_ended": len(self.ending)}
        return counts


def refuse_problems(roster: Roster) -> None:
    """Every bad line at once, or nothing: `extra["problems"]` lists them all."""
    if not roster.problems:
        return
    n = len(roster.problems)
    raise InvalidInput(
        code=ErrorCode.ROSTER_INVALID,
        message=f"名冊有 {n} 處錯誤，未匯入任何資料。",
        message_en=f"The roster has {n} problem(s); nothing was imported.",
        extra={"problems": [str(p) for p in roster.problems]},
    )


def plan_import(rt: Runtime, code: str, roster: Roster) -> RosterPlan:
    """Compare the file with the records (one read)."""
    refuse_problems(roster)
    with rt.db.session() as session:
        institution_id = session.scalar(select(Institution.id).where(Institution.code == code))
        if institution_id is None:
            raise NotFound(
                code=ErrorCode.INSTITUTION_NOT_FOUND,
                message=f"找不到機關 {code}。",
                message_en=f"No institution {code}; add it first.",
            )
        # Plain rows, not ORM objects: a 100,000-inmate roster compared in a third of the time.
        columns = [Inmate.id, Inmate.callsign, Inmate.released_at]
        columns += [getattr(Inmate, f) for f in _FIELDS]
        found = session.execute(select(*columns).where(Inmate.institution_id == institution_id))
        current = {i.callsign: i for i in found}
    plan = RosterPlan(institution_id)
    for row in roster.rows:
        inmate = current.pop(row.callsign, None)
        if inmate is None:
            plan.added.append(row)
        elif inmate.released_at is None and tuple(inmate[3:]) == _fields(row):  # _FIELDS
            plan.unchanged += 1
        else:
            plan.updated.append((inmate.id, row))
    plan.removed = [i.id for i in current.values() if i.released_at is None]
    plan.ending = _running_services(rt, institution_id, {i.id for i in current.values()})
    return plan


def _running_services(rt: Runtime, institution_id: str, inmate_ids: set[str]) -> list[str]:
    """Approved applications of the institution whose inmate is among `inmate_ids` (also one
    released by an earlier import whose service still runs: a rerun finishes the job)."""
    if not inmate_ids:
        return []
    with rt.db.session() as session:
        rows = session.execute(
            select(Submission.id, Application.inmate_id)
            .join(Application, Application.id == Submission.id)
            .where(
                Submission.institution_id == institution_id,
                Submission.kind == SubmissionKind.APPLICATION,
                Submission.status == Status.APPROVED,
            )
        ).all()
    return [app_id for app_id, inmate_id in rows if inmate_id in inmate_ids]


def apply_plan(
    rt: Runtime,
    plan: RosterPlan,
    *,
    mark_missing_released: bool = False,
    progress: Progress | None = None,
    batch_rows: int | None = None,
    actor: str = "operator",
) -> dict[str, int]:
    """Write the plan in short transactions, paced for the database (`storage.bulk.pacing`;
    `batch_rows` rows each if given). Inmates missing from the file are marked released, and their
    services ended, only when asked (`--mark-missing-released`: the file is the full roster).
    `actor` is who the audit log names for the ended services."""
    now = utcnow()
    released = plan.removed if mark_missing_released else []
    ending = plan.ending if mark_missing_released else []
    total, done = len(plan.added) + len(plan.updated) + len(released) + len(ending), 0
    with rt.db.session() as session:
        pace = bulk.pacing(session)
    batch_rows, writer = batch_rows or pace.rows, _Writer(rt, pace)
    ids = iter(new_ids(len(plan.added)))
    for batch in _batches(plan.added, batch_rows):
        rows = [(next(ids), plan.institution_id, r.callsign, *_fields(r)) for r in batch]
        writer(bulk.insert_rows, _INSERTED, rows)
        done = _report(progress, done + len(batch), total)
    for pairs in _batches(plan.updated, batch_rows):
        writer(bulk.update_rows, _UPDATED, [(i, *_fields(r), None) for i, r in pairs])
        done = _report(progress, done + len(pairs), total)
    for batch_ids in _batches(released, batch_rows):
        writer(bulk.update_rows, ("id", "released_at"), [(i, now) for i in batch_ids])
        done = _report(progress, done + len(batch_ids), total)
    ended = 0
    for app_id in ending:  # one transaction each: every family gets its own email
        with transaction(rt) as work:
            ended += services.end_on_release(work, app_id, actor=actor) is not None
        done = _report(progress, done + 1, total)
    return {**plan.counts(), "released": len(released), "services_ended": ended}


_INSERTED = ("id", "institution_id", "callsign", *_FIELDS)
_UPDATED = ("id", *_FIELDS, "released_at")


class _Writer:
    """One batch, one transaction; before the next, the database is left to the API for a
    while (`storage.bulk.Pacing`). No rest after the last: the import is over."""

    def __init__(self, rt: Runtime, pace: bulk.Pacing) -> None:
        self.rt, self.pace, self.owed = rt, pace, 0.0

    def __call__(self, write: Callable[..., None], columns: tuple[str, ...], rows: list) -> None:
        if self.owed > 0:
            time.sleep(self.owed)
        started = time.perf_counter()
        with transaction(self.rt) as work:
            write(work.session, Inmate.__table__, columns, rows)
        held = time.perf_counter() - started
        self.owed = max(self.pace.rest * held, self.pace.min_rest_s) if self.pace.rest else 0.0


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _report(progress: Progress | None, done: int, total: int) -> int:
    if progress is not None:
        progress(done, total)
    return done
