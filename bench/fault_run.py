"""A fault run with real processes: nothing accepted is lost or done twice (issue 4's figures).

    .venv/bin/python bench/fault_run.py [--submissions 20] [--kills 4] [--redis-restarts 2]

WARNING: this WIPES the PostgreSQL database `test` on localhost (every table is dropped, then the
schema is rebuilt with the migrations), the same database the test suite uses. Do not run it
while the production-backend tests run. FAULT_RUN_DATABASE_URL points it elsewhere.

Everything stays on 127.0.0.1: a PRIVATE redis-server on a free port (nothing on disk, as in our
CI), an SMTP sink (aiosmtpd) on a free port, `familybook serve` and `familybook worker` processes
(two workers, two threads each, sweeper every second re-sending work stuck for two), files in a
temporary data dir. Bounded: about a minute and a half, three at most.

1. Setup, no faults: an institution with one inmate per submission, N families registered over
   HTTP (verification link read from the email received), a reviewer and a second reviewer.
2. Under faults: a chaos thread SIGKILLs a random worker every few seconds (K times, each
   replaced by a new worker at once) and SIGKILLs/restarts Redis (R times, empty each time).
   Meanwhile the N applications are sent (a third of them with two 12-megapixel photos, so that
   checks are in flight), every one is waited for until checked, then decided: a claim race
   between the two reviewers, then the winner's decision double-clicked (same Idempotency-Key
   twice at once) while the other reviewer tries too; approve and reject alternate.
3. Faults stop; the outbox must drain; a few more sweeps must send nothing again.

Printed: submissions sent/accepted/checked/decided, workers killed (and how many kills caught a
check under way), Redis restarts, emails expected vs received, duplicates (check rows, decisions,
emails by Message-ID), work still stuck and dead letters (usecases.pipeline_health.stuck_report).
Exit status 1 if anything was lost or duplicated.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore", message=".*httpx2.*")  # tests.support imports TestClient
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEADLINE_S = 170


def _environment(data_dir: Path, redis_port: int, smtp_port: int) -> None:
    os.environ.update(
        FAMILYBOOK_DATA_DIR=str(data_dir),
        FAMILYBOOK_DATABASE_URL=os.environ.get(
            "FAULT_RUN_DATABASE_URL", "postgresql+psycopg://postgres@localhost:5432/test"
        ),
        FAMILYBOOK_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        FAMILYBOOK_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
        FAMILYBOOK_SWEEP_INTERVAL_S="1",
        FAMILYBOOK_SWEEP_STUCK_AFTER_S="2",
        FAMILYBOOK_OUTBOX_RETRY_BASE_S="1",
    )


class Run:
    def __init__(self, args: argparse.Namespace, procs: Any, mail: Any, rt: Any) -> None:
        self.args, self.procs, self.mail, self.rt = args, procs, mail, rt
        self.started = time.monotonic()
        self.redis_port = int(os.environ["FAMILYBOOK_REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
        self.workers: list[Any] = []
        self.counts: Counter[str] = Counter()
        self.stop_chaos = threading.Event()
        self.redis_proc: Any = None

    def left(self) -> float:
        return DEADLINE_S - (time.monotonic() - self.started)

    # --- faults -------------------------------------------------------------------------
    def chaos(self) -> None:
        rng = random.Random(self.args.seed)
        kills, restarts = self.args.kills, self.args.redis_restarts
        # Spread the faults over the submit-and-decide phase (~40 s on two cores).
        events = ["kill"] * kills + ["redis"] * restarts
        rng.shuffle(events)
        for event in events:
            if self.stop_chaos.wait(rng.uniform(2.0, 6.0)):
                return
            if event == "kill":
                self.kill_a_worker(rng)
            else:
                self.restart_redis()

    def kill_a_worker(self, rng: random.Random) -> None:
        victim = rng.choice(self.workers)
        checking = self.count_status("checking")
        self.procs.kill(victim)
        self.workers.remove(victim)
        self.counts["workers killed"] += 1
        if checking:
            self.counts["kills while some check was under way"] += 1
        self.workers.append(self.procs.worker(threads=2))

    def restart_redis(self) -> None:
        self.procs.kill(self.redis_proc)
        time.sleep(1.0)
        self.redis_proc = self.procs.redis(self.redis_port)
        self.counts["Redis restarts (empty)"] += 1

    def count_status(self, status: str) -> int:
        from sqlalchemy import func, select

        from storage.models import Submission

        with self.rt.db.session() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(Submission).where(Submission.status == status)
                )
                or 0
            )


def setup(run: Run, http: Any) -> tuple[list[Any], list[dict[str, str]]]:
    import csv

    from tests.support import flow
    from usecases import administration as admin

    n = run.args.submissions
    policy = {"max_child_age": 99, "strikes_to_suspend": 99}
    admin.add_institution(run.rt, "FLT", "故障演練機關", **policy)
    roster = Path(os.environ["FAMILYBOOK_DATA_DIR"]) / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(admin.ROSTER_COLUMNS)
        for i in range(n):
            w.writerow([f"{8000 + i}", f"受刑人{i}", "2016-04-01", "", ""])
    admin.import_inmates(run.rt, "FLT", roster)
    reviewers = [flow.staff(run.rt, f"r{i}@flt.example", ["FLT"]) for i in (1, 2)]

    def family(i: int) -> Any:
        return flow.family(http, run.mail, f"fam{i}@example.com", n=i + 1)

    with ThreadPoolExecutor(4) as pool:  # registration hashes passwords: a few at a time
        families = list(pool.map(family, range(n)))
    return families, reviewers


def submit_and_check(run: Run, http: Any, families: list[Any]) -> list[str]:
    from tests.faults.conftest import CHECKED, all_in, slow_application_files
    from tests.faults.procs import wait_until
    from tests.support import flow

    ids = []
    for i, fam in enumerate(families):
        files = slow_application_files(2) if i % 3 == 0 else flow.application_files()
        run.counts["submissions sent"] += 1
        r = flow.apply(http, fam, callsign=f"{8000 + i}", code="FLT", files_=files)
        if r.status_code == 202:
            run.counts["submissions accepted (202)"] += 1
            ids.append(r.json()["id"])
        else:
            print(f"  application {i}: {r.status_code} {r.text[:200]}")
        time.sleep(random.uniform(0, 0.3))
    wait_until(lambda: all_in(run.rt, ids, CHECKED), max(run.left() - 60, 20), "every check")
    return ids


def decide_all(run: Run, http: Any, ids: list[str], reviewers: list[dict[str, str]]) -> None:
    from tests.faults.procs import wait_until

    def at_once(calls: list[tuple[str, dict[str, str], Any]]) -> list[Any]:
        barrier = threading.Barrier(len(calls))

        def fire(call: tuple[str, dict[str, str], Any]) -> Any:
            path, headers, body = call
            barrier.wait()
            return http.post(path, headers=headers, json=body)

        with ThreadPoolExecutor(len(calls)) as pool:
            return list(pool.map(fire, calls))

    for n, app_id in enumerate(ids):
        wait_until(lambda a=app_id: _status(run, a) == "awaiting_review", 20, "awaiting_review")
        claims = at_once([(f"/review/v1/items/{app_id}/claim", r, None) for r in reviewers])
        run.counts["claim races lost (409)"] += sum(c.status_code == 409 for c in claims)
        winner = next(
            (r for r, c in zip(reviewers, claims, strict=True) if c.status_code == 200), None
        )
        if winner is None:
            run.counts["claim races with no winner"] += 1
            continue
        other = next(r for r in reviewers if r is not winner)
        body = (
            {"decision": "approve"}
            if n % 2 == 0
            else {"decision": "reject", "reason_code": "relationship_unproven"}
        )
        path = f"/review/v1/items/{app_id}/decision"
        results = at_once(
            [
                (path, {**winner, "Idempotency-Key": f"d-{app_id}"}, body),
                (path, {**winner, "Idempotency-Key": f"d-{app_id}"}, body),
                (path, {**other, "Idempotency-Key": f"o-{app_id}"}, body),
            ]
        )
        codes = sorted(r.status_code for r in results)
        if codes == [200, 200, 409]:
            run.counts["decisions made"] += 1
        else:
            run.counts["decision races answered wrongly"] += 1
            answers = [(r.status_code, r.text[:120]) for r in results]
            print(f"  decision race on {app_id}: {answers}")


def _status(run: Run, app_id: str) -> str | None:
    from tests.faults.conftest import statuses

    return statuses(run.rt, [app_id]).get(app_id)


def tally(run: Run, ids: list[str]) -> None:
    from sqlalchemy import func, select

    from storage.models import CheckResult, Decision, OutboxEmail, Submission
    from tests.faults.conftest import check_rows
    from usecases.pipeline_health import stuck_report

    total, distinct = check_rows(run.rt)
    with run.rt.db.session() as session:
        outbox = session.scalars(select(OutboxEmail)).all()
        per_attempt = session.execute(
            select(Decision.attempt_id, func.count()).group_by(Decision.attempt_id)
        ).all()
        decided = session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.status.in_(["approved", "rejected"]))
        )
        checked_attempts = session.scalar(select(func.count(func.distinct(CheckResult.attempt_id))))
    received = Counter(str(m["Message-ID"]) for m in run.mail.messages)
    expected = {e.message_id for e in outbox}
    c = run.counts
    c["submissions checked (attempts with results)"] = int(checked_attempts or 0)
    c["submissions decided (approved/rejected)"] = int(decided or 0)
    c["check result rows"] = total
    c["duplicate check rows"] = total - distinct
    c["duplicate decisions (per attempt)"] = sum(n - 1 for _, n in per_attempt)
    c["emails expected (outbox)"] = len(expected)
    c["emails received (distinct Message-ID)"] = len(set(received) & expected)
    c["emails lost"] = len(expected - set(received))
    c["duplicate emails (same Message-ID twice)"] = sum(n - 1 for n in received.values())
    c["emails received not in the outbox"] = len(set(received) - expected)
    with run.rt.db.session() as session:
        report = stuck_report(run.rt, session)
    c["still stuck in received/checking"] = report["counts"]["stuck_submissions"]
    c["emails still failing"] = report["counts"]["failing_emails"]
    c["dead letters in Redis"] = report["counts"]["dead_letters"]


def print_table(counts: Counter[str], order: list[str], seconds: float) -> None:
    width = max(len(k) for k in order)
    print(f"\nfault run ({seconds:.0f} s)")
    print(f"{'what':<{width}}  count")
    print(f"{'-' * width}  -----")
    for key in order:
        print(f"{key:<{width}}  {counts.get(key, 0):>5}")


ORDER = [
    "submissions sent",
    "submissions accepted (202)",
    "submissions checked (attempts with results)",
    "submissions decided (approved/rejected)",
    "workers killed",
    "kills while some check was under way",
    "Redis restarts (empty)",
    "claim races lost (409)",
    "decisions made",
    "decision races answered wrongly",
    "check result rows",
    "duplicate check rows",
    "duplicate decisions (per attempt)",
    "emails expected (outbox)",
    "emails received (distinct Message-ID)",
    "emails lost",
    "duplicate emails (same Message-ID twice)",
    "emails received not in the outbox",
    "still stuck in received/checking",
    "emails still failing",
    "dead letters in Redis",
]
BAD = [
    "decision races answered wrongly",
    "claim races with no winner",
    "duplicate check rows",
    "duplicate decisions (per attempt)",
    "emails lost",
    "duplicate emails (same Message-ID twice)",
    "still stuck in received/checking",
]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--submissions", type=int, default=20)
    p.add_argument("--kills", type=int, default=4)
    p.add_argument("--redis-restarts", type=int, default=2)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--keep", action="store_true", help="keep the data dir and process logs")
    args = p.parse_args()

    from tests.faults.procs import free_port

    data_dir = Path(tempfile.mkdtemp(prefix="familybook-faultrun-"))
    redis_port = free_port()
    from tests.support.mail import MailSink

    mail = MailSink()
    _environment(data_dir, redis_port, mail.port)

    import httpx
    from sqlalchemy import MetaData, text

    from familybook.bootstrap import build_runtime
    from storage.migrate import upgrade
    from tests.faults.procs import Processes, wait_until

    rt = build_runtime()
    with rt.db.engine.begin() as conn:  # the warning in the docstring: `test` is wiped
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(rt.settings.database_url)
    (data_dir / "logs").mkdir()
    procs = Processes(data_dir / "logs")
    run = Run(args, procs, mail, rt)
    ok = False
    try:
        run.redis_proc = procs.redis(redis_port)
        _, api_url = procs.api()
        run.workers = [procs.worker(threads=2) for _ in range(2)]
        with httpx.Client(base_url=api_url, timeout=60) as http:
            families, reviewers = setup(run, http)
            print(f"setup done in {time.monotonic() - run.started:.0f} s; faults start")
            chaos = threading.Thread(target=run.chaos, name="chaos", daemon=True)
            chaos.start()
            ids = submit_and_check(run, http, families)
            decide_all(run, http, ids, reviewers)
            run.stop_chaos.set()
            chaos.join(30)
            wait_until(lambda: _outbox_drained(rt), max(run.left() - 10, 10), "the outbox drained")
            time.sleep(3)  # more sweeps: nothing may be sent twice
            tally(run, ids)
        ok = not any(run.counts.get(k) for k in BAD) and run.counts["emails lost"] == 0
    except AssertionError as exc:
        print(f"FAILED: {exc}")
        print(procs.tail(lines=15))
        tally(run, [])
    finally:
        run.stop_chaos.set()
        procs.stop_all()
        mail.stop()
        rt.db.dispose()
        print_table(run.counts, ORDER, time.monotonic() - run.started)
        if args.keep:
            print(f"data and logs kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    print("\nresult:", "nothing lost, nothing done twice" if ok else "PROBLEMS (see above)")
    return 0 if ok else 1


def _outbox_drained(rt: Any) -> bool:
    from sqlalchemy import func, select

    from storage.models import OutboxEmail

    with rt.db.session() as session:
        return not session.scalar(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
        )


if __name__ == "__main__":
    sys.exit(main())
