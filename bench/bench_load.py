"""Load benchmark on PostgreSQL + Redis with real processes (issue 13), one table printed.

    .venv/bin/python bench/bench_load.py --database-url postgresql+psycopg://postgres@localhost/DB \
        [--families 50] [--seconds 30] [--apps 4] [--cpu-apps 4] [--roster-lines 100000] \
        [--roster-runs 1] [--phases families,pipeline,roster]

WARNING: WIPES the database given (every table dropped, schema rebuilt). Everything stays on
127.0.0.1: a PRIVATE redis-server on a free port, an SMTP sink, `familybook serve` and two
`familybook worker` processes, files in a temporary data dir. Bounded in count and time.

1. Families: N families with an approved service (written straight into the database) log in
   once, then until the time is up read /me, their applications and posts, look up an inmate,
   then think for `--think` seconds; each posts one ~2 MB photo, once (the policy's pace: one
   post per interval). p50/p95/p99 per operation, errors (anything but the expected status).
2. Pipeline: `--apps` applications (ID-card photo + register PDF) queued while 1 worker
   process, started and idle, is held (SIGSTOP), then drained through checks and OCR; then
   another batch by 2: applications per minute each way, from the release to the last OCR.
   Then CPU seconds per stage per application (`pipeline_cpu.py`): one worker process per
   stage (checks, ocr, mail), a warm-up application, then `--cpu-apps` applications through
   checks, OCR, a reviewer's approval and its email; process CPU (the workers and their
   children), which a shared machine does not distort the way it distorts wall time.
3. Roster: `familybook inmates import` of `--roster-lines` lines (a real process) while a
   reviewer claims, reads and releases or decides queue items: import time, reviewer p99;
   with `--roster-runs N`, N-1 more imports of the same lines renamed (every line an update);
   the same reviewer for `--review-baseline` seconds before, without the import, shows what
   the machine itself adds.
Password hashing runs at the tests' low argon2 cost (logins are not what is measured).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore", message=".*httpx2.*")  # tests.support imports TestClient
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODE = "BNC"
PASSWORD = "a long bench secret"
Samples = dict[str, list[float]]


def _environment(args: argparse.Namespace, data_dir: Path, redis_port: int, smtp: int) -> None:
    os.environ.update(
        FAMILYBOOK_DATA_DIR=str(data_dir),
        FAMILYBOOK_DATABASE_URL=args.database_url,
        FAMILYBOOK_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        FAMILYBOOK_SMTP_URL=f"smtp://127.0.0.1:{smtp}",
        FAMILYBOOK_ARGON2_TIME_COST="1",
        FAMILYBOOK_ARGON2_MEMORY_KIB="8",
        FAMILYBOOK_ARGON2_PARALLELISM="1",
        FAMILYBOOK_LOGIN_MAX_FAILURES="1000",
        # Every simulated family comes from 127.0.0.1: the per-address limits (issue 12: 60
        # logins, 10 registrations an hour) would refuse the crowd that real addresses spread.
        FAMILYBOOK_LOGIN_PER_ADDRESS="1000000",
        FAMILYBOOK_REGISTER_PER_ADDRESS="1000000",
        FAMILYBOOK_RESEND_PER_ADDRESS="1000000",
        OMP_THREAD_LIMIT="1",
    )


def _production_sweep() -> dict[str, str]:
    """The sweeper's and OCR claim's production timings. `Processes` brings the fault tests'
    (a check "stuck" after 2 s, an OCR claim stale after 3 s): on a busy machine those re-send
    and take over work still running, and the benchmark measures duplicates."""
    from core.settings import Settings
    from tests.faults.procs import FAST_SWEEP

    fields = Settings.model_fields
    return {k: str(fields[k.removeprefix("FAMILYBOOK_").lower()].default) for k in FAST_SWEEP}


def _fresh_schema(rt: Any) -> None:
    from sqlalchemy import MetaData, text

    from storage.migrate import upgrade

    with rt.db.engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(rt.settings.database_url)


def _photo_2mb() -> bytes:
    """A noisy 2-megapixel JPEG of about 2 MB: what a phone sends."""
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(7).integers(0, 255, (1200, 1600, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=85)
    return out.getvalue()


def seed(rt: Any, families: int, applicants: int) -> list[dict[str, str]]:
    """The institution, its roster, N served families and the applicants (accounts only)."""
    import csv

    from storage.models import Account, utcnow
    from tests.support import flow
    from usecases import administration as admin

    admin.add_institution(
        rt, CODE, "負載測試機關", max_child_age=99, post_max_files=1, strikes_to_suspend=99
    )
    roster = Path(os.environ["FAMILYBOOK_DATA_DIR"]) / "roster.csv"
    people = families + applicants
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(admin.ROSTER_COLUMNS)
        w.writerows([f"{100000 + i}", f"受刑人{i}", "2016-04-01", "", ""] for i in range(people))
    admin.import_inmates(rt, CODE, roster)
    hashed = rt.passwords.hash(PASSWORD)
    accounts = []
    with rt.db.session() as session:
        for i in range(people):
            email = f"fam{i}@bench.example"
            session.add(
                Account(
                    name="王小明",
                    national_id=flow.national_id(i + 1),
                    email=email,
                    email_key=email,
                    birth_date=flow.days_from_today(-12000),
                    mobile="0912345678",
                    password_hash=hashed,
                    consent_version="2024-01",
                    consented_at=utcnow(),
                    verified_at=utcnow(),
                )
            )
            accounts.append({"email": email, "callsign": f"{100000 + i}"})
        session.commit()
    for account in accounts[:families]:
        account["service"] = flow.approved_service(
            rt, account["email"], callsign=account["callsign"], code=CODE
        )
    return accounts


async def family_loop(http: Any, fam: dict[str, str], until: float, think: float,
                      photo: bytes, samples: Samples, errors: dict[str, int]) -> None:  # fmt: skip
    import aiohttp

    async def call(op: str, method: str, url: str, expect: int = 200, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            async with http.request(method, url, **kw) as r:
                body = await r.read()
            ok, why = r.status == expect, str(r.status)
        except Exception as exc:
            body, ok, why = None, False, type(exc).__name__
        samples[op].append(time.perf_counter() - started)
        if not ok:
            errors[op] += 1
            errors[f"{op}: {why}"] += 1  # what went wrong, listed under the table
        return body if ok else None

    await asyncio.sleep(fam["arrives"])  # type: ignore[arg-type]  # families come in over the ramp
    login = {"email": fam["email"], "password": PASSWORD}
    body = await call("login", "POST", "/api/v1/sessions", 201, json=login)
    if body is None:
        return
    headers = {"authorization": f"Bearer {json.loads(body)['token']}"}
    post_at = time.monotonic() + random.uniform(0, (until - time.monotonic()) / 2)
    posted = False
    while time.monotonic() < until:
        await call("GET /me", "GET", "/api/v1/me", headers=headers)
        await call("GET /applications", "GET", "/api/v1/applications", headers=headers)
        await call("GET /posts", "GET", "/api/v1/posts", headers=headers)
        await call("GET inmate", "GET", f"/api/v1/institutions/{CODE}/inmates/{fam['callsign']}",
                   headers=headers)  # fmt: skip
        if not posted and time.monotonic() >= post_at:
            posted = True
            form = aiohttp.FormData()
            form.add_field("application_id", fam["service"])
            form.add_field("title", "近況")
            form.add_field("body", "爸爸，我們都很好。")
            form.add_field("attachments", photo, filename="photo.jpg", content_type="image/jpeg")
            await call("POST /posts 2MB", "POST", "/api/v1/posts", 202, headers=headers, data=form)
        await asyncio.sleep(think * random.uniform(0.5, 1.5))


async def load_phase(url: str, fams: list[dict[str, str]], seconds: float, think: float,
                     ramp: float, samples: Samples, errors: dict[str, int]) -> None:  # fmt: skip
    """`ramp` seconds over which the families arrive (each at a random moment of it): 200 people
    do not log in in the same second, and a bench whose families all do measures the queue
    that burst makes (its first round of reads) more than the API.

    The client is aiohttp, not httpx: it shares the 2 cores with the system it measures, and
    httpx's async client cost 2.8 ms of CPU a request here (a third of the API's own), which
    the families' phones would spend, not the server."""
    import aiohttp

    fams = [{**fam, "arrives": random.uniform(0, ramp)} for fam in fams]  # type: ignore[dict-item]

    photo = _photo_2mb()
    until = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=len(fams) + 10)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as http:
        await asyncio.gather(
            *(family_loop(http, f, until, think, photo, samples, errors) for f in fams)
        )


def _cpu_of(parts: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each process tree, and of every PostgreSQL process (its backends
    are the postmaster's children, not ours)."""
    from bench.pipeline_cpu import tree_cpu

    with open("/proc/self/stat") as fh:  # the client alone: the servers are its children
        cpu = {"client": _own_cpu(fh.read())}
    cpu.update({name: tree_cpu(pid) for name, pid in parts.items()})
    cpu["PostgreSQL"] = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                raw = fh.read()
        except OSError:
            continue
        if raw[raw.index("(") + 1 : raw.rindex(")")] == "postgres":
            cpu["PostgreSQL"] += _own_cpu(raw)
    return cpu


def _own_cpu(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def apply(url: str, fams: list[dict[str, str]]) -> list[str]:
    """Each family sends one application (ID-card photo + register PDF); their ids."""
    import httpx

    from tests.support import flow

    ids = []
    with httpx.Client(base_url=url, timeout=120) as http:
        for fam in fams:
            r = http.post("/api/v1/sessions", json={"email": fam["email"], "password": PASSWORD})
            headers = {"authorization": f"Bearer {r.json()['token']}"}
            r = http.post("/api/v1/applications", headers=headers,
                          data={"institution": CODE, "callsign": fam["callsign"],
                                "relationship": "spouse"},
                          files=flow.application_files(register_pdf=True))  # fmt: skip
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    return ids


def _count(rt: Any, condition: Any) -> int:
    from sqlalchemy import func, select

    with rt.db.session() as session:
        return session.scalar(select(func.count()).where(condition)) or 0


def pipeline(procs: Any, url: str, rt: Any, fams: list[dict[str, str]], workers: int,
             threads: int) -> float:  # fmt: skip
    """Applications per minute through checks and OCR with `workers` worker processes, from
    the moment the whole batch is waiting for them to its last OCR. The workers are started
    and stopped with SIGSTOP once idle, then the batch is uploaded and they are continued: the
    time is neither their start-up nor the upload rate."""
    from bench.pipeline_cpu import wait_idle
    from storage.models import Attempt
    from tests.faults.procs import wait_until

    queues = "checks,ocr,post_ocr,mail"
    running = [procs.worker(threads=threads, queues=queues) for _ in range(workers)]
    wait_idle([proc.pid for proc in running])
    for proc in running:
        proc.send_signal(signal.SIGSTOP)
    try:
        apply(url, fams)  # well within dramatiq's 60 s heartbeat timeout on a shared machine
    finally:
        for proc in running:
            proc.send_signal(signal.SIGCONT)
    before = _count(rt, Attempt.ocr_done_at.is_not(None))
    started = time.monotonic()

    def done() -> bool:
        return _count(rt, Attempt.ocr_done_at.is_not(None)) - before >= len(fams)

    wait_until(done, 600, "the pipeline", poll=0.2)
    elapsed = time.monotonic() - started
    for proc in running:
        procs.stop(proc)
    return len(fams) / elapsed * 60


def stage_cpu(procs: Any, url: str, rt: Any, fams: list[dict[str, str]],
              reviewer: dict[str, str]) -> dict[str, float]:  # fmt: skip
    """CPU seconds per stage per application (`pipeline_cpu.py`); fams: 1 warm-up + N."""
    import httpx

    from bench.pipeline_cpu import measure
    from storage.models import Attempt, OutboxEmail
    from tests.faults.procs import wait_until

    left = list(fams)

    def run_batch(k: int) -> None:
        batch, left[:k] = left[:k], []
        ocr_before = _count(rt, Attempt.ocr_done_at.is_not(None))
        sent_before = _count(rt, OutboxEmail.sent_at.is_not(None))
        ids = apply(url, batch)
        wait_until(lambda: _count(rt, Attempt.ocr_done_at.is_not(None)) - ocr_before >= k,
                   1200, "checks and OCR", poll=0.2)  # fmt: skip
        with httpx.Client(base_url=url, timeout=60, headers=reviewer) as http:
            for item in ids:
                r = http.post(f"/review/v1/items/{item}/claim")
                assert r.status_code == 200, r.text
                r = http.post(f"/review/v1/items/{item}/decision", json={"decision": "approve"},
                              headers={"Idempotency-Key": f"cpu-{item}"})  # fmt: skip
                assert r.status_code == 200, r.text
        wait_until(lambda: _count(rt, OutboxEmail.sent_at.is_not(None)) - sent_before >= k,
                   600, "the decision emails", poll=0.2)  # fmt: skip

    return measure(lambda q: procs.worker(threads=1, queues=q), procs.stop, run_batch,
                   len(fams) - 1)  # fmt: skip


def review_loop(url: str, reviewer: dict[str, str], samples: Samples, stop: threading.Event,
                label: str) -> None:  # fmt: skip
    """A reviewer reading the queue, claiming, reading and releasing or deciding items."""
    import httpx

    with httpx.Client(base_url=url, timeout=60, headers=reviewer) as http:
        decided = 0
        while not stop.is_set():
            t = time.perf_counter()
            queue = http.get("/review/v1/queue").json()
            samples[f"reviewer GET /queue {label}"].append(time.perf_counter() - t)
            free = [i for i in queue if i.get("status") == "awaiting_review"]
            if not free:
                continue
            item = free[0]["id"]
            for op, method, path, kw in (
                ("claim", "POST", f"/review/v1/items/{item}/claim", {}),
                ("GET item", "GET", f"/review/v1/items/{item}", {}),
            ):
                t = time.perf_counter()
                http.request(method, path, **kw)
                samples[f"reviewer {op} {label}"].append(time.perf_counter() - t)
            t = time.perf_counter()
            if decided < 2:  # a few decisions; then claims are released for the next round
                http.post(f"/review/v1/items/{item}/decision", json={"decision": "approve"},
                          headers={"Idempotency-Key": f"bench-{item}"})  # fmt: skip
                samples[f"reviewer decide {label}"].append(time.perf_counter() - t)
                decided += 1
            else:
                http.delete(f"/review/v1/items/{item}/claim")
                samples[f"reviewer release {label}"].append(time.perf_counter() - t)


def roster_phase(url: str, rt: Any, lines: int, reviewer: dict[str, str], baseline_s: float,
                 runs: int = 1) -> tuple[list[float], list[float], Samples]:  # fmt: skip
    """Each import's wall time and CPU seconds (the command's own process, not the
    database's), and the reviewer's latencies first without it (`baseline_s`, the
    machine's own noise), then during the imports. The first import adds `lines` inmates;
    each further one (`runs`) renames every one of them: `lines` updates. The reviewer's queue
    gets items of its own, written straight into the database: run alone (`--phases roster`)
    it would otherwise be empty, and the reviewer would only ever read an empty queue, never
    claim or decide."""
    from tests.support.queue import fill_queue

    fill_queue(rt, 40, code=CODE)
    path = Path(os.environ["FAMILYBOOK_DATA_DIR"]) / "big-roster.csv"
    samples: Samples = defaultdict(list)
    if baseline_s > 0:
        stop = threading.Event()
        thread = threading.Thread(target=review_loop,
                                  args=(url, reviewer, samples, stop, "(no import)"))  # fmt: skip
        thread.start()
        time.sleep(baseline_s)
        stop.set()
        thread.join()
    stop = threading.Event()
    thread = threading.Thread(target=review_loop, args=(url, reviewer, samples, stop, "(import)"))
    thread.start()
    cmd = [str(Path(sys.executable).with_name("familybook")), "inmates", "import", CODE, str(path)]
    times, cpus = [], []
    for run in range(runs):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("callsign,name,youngest_child_birth_date,restricted_until,"
                     "restriction_reason\n")  # fmt: skip
            fh.writelines(f"{200000 + i},姓名{run}-{i},105/04/01,,\n" for i in range(lines))
        started, cpu = time.monotonic(), _children_cpu()
        subprocess.run(cmd, check=True, capture_output=True, env=os.environ)
        times.append(time.monotonic() - started)
        cpus.append(_children_cpu() - cpu)
        time.sleep(1)  # the reviewer's latencies between imports belong to neither
    stop.set()
    thread.join()
    return times, cpus, samples


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the import command, once waited)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _row(op: str, values: list[float], errors: int) -> str:
    if not values:
        return f"{op:<36}{0:>7}{'-':>9}{'-':>9}{'-':>9}{errors:>8}"
    qs = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    ms = [1000 * q for q in (qs[49], qs[94], qs[98])]
    return f"{op:<36}{len(values):>7}{ms[0]:>9.1f}{ms[1]:>9.1f}{ms[2]:>9.1f}{errors:>8}"


def _print_families(
    samples: Samples, errors: dict[str, int], cpu_used: dict[str, float] | None
) -> None:
    print(f"{'operation':<36}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for op in sorted(samples):
        print(_row(op, samples[op], errors.get(op, 0)))
    for why in sorted(k for k in errors if k not in samples):
        print(f"  error {why}: {errors[why]}")
    if cpu_used is not None:
        answered = sum(len(v) for v in samples.values())
        print(
            "CPU s during the families phase (process trees; PostgreSQL: its processes): "
            + ", ".join(f"{k} {v:.1f}" for k, v in cpu_used.items())
            + f"; per request: client {1000 * cpu_used['client'] / answered:.1f} ms, API "
            f"{1000 * cpu_used['API'] / answered:.1f} ms, PostgreSQL "
            f"{1000 * cpu_used['PostgreSQL'] / answered:.1f} ms"
        )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), required=False)
    p.add_argument("--families", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--think", type=float, default=1.0, help="seconds between a family's rounds")
    p.add_argument("--apps", type=int, default=4, help="applications per pipeline run")
    p.add_argument("--cpu-apps", type=int, default=4, help="applications measured for CPU")
    p.add_argument("--roster-lines", type=int, default=100_000)
    p.add_argument("--roster-runs", type=int, default=1,
                   help="imports: the first adds the lines, each next one updates all")  # fmt: skip
    p.add_argument("--review-baseline", type=float, default=10.0,
                   help="seconds of reviewer latency measured before the import")  # fmt: skip
    p.add_argument("--ramp", type=float, default=0.0, help="seconds over which families arrive")
    p.add_argument("--worker-threads", type=int, default=2, help="per worker process (pipeline)")
    p.add_argument("--api-processes", type=int, default=1, help="familybook serve --processes")
    p.add_argument("--load-workers", type=int, default=2,
                   help="worker processes beside the families (0: the API alone)")  # fmt: skip
    p.add_argument("--phases", default="families,pipeline,roster", help="which parts to run")
    args = p.parse_args()
    if not args.database_url:
        p.error("--database-url (or BENCH_DATABASE_URL): a PostgreSQL database it may wipe")
    phases = set(args.phases.split(","))
    from tests.faults.procs import Processes, free_port
    from tests.support.mail import MailSink

    data = Path(tempfile.mkdtemp(prefix="familybook-bench-"))
    mail, redis_port = MailSink(), free_port()
    _environment(args, data, redis_port, mail.port)
    from familybook.bootstrap import build_runtime
    from tests.support import flow

    procs = Processes(data, **_production_sweep())
    samples: Samples = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    review: Samples = {}
    try:
        procs.redis(redis_port)
        rt = build_runtime(broker=False)
        _fresh_schema(rt)
        accounts = seed(rt, args.families, 2 * args.apps + 1 + args.cpu_apps)
        reviewer = flow.staff(rt, "r@bench.example", [CODE])
        api, url = procs.api(processes=args.api_processes)
        if "families" in phases:
            load_workers = [procs.worker(threads=2, queues="checks,ocr,post_ocr,mail")
                            for _ in range(args.load_workers)]  # fmt: skip
            parts = {"API": api.pid,
                     **{f"worker {i}": w.pid for i, w in enumerate(load_workers)}}  # fmt: skip
            cpu_before = _cpu_of(parts)
            asyncio.run(load_phase(url, accounts[: args.families], args.seconds, args.think,
                                   args.ramp, samples, errors))  # fmt: skip
            cpu_used = {k: v - cpu_before[k] for k, v in _cpu_of(parts).items()}
            for proc in load_workers:
                procs.stop(proc)
        applicants = accounts[args.families :]
        if "pipeline" in phases:
            one = pipeline(procs, url, rt, applicants[: args.apps], 1, args.worker_threads)
            two = pipeline(procs, url, rt, applicants[args.apps : 2 * args.apps], 2,
                           args.worker_threads)  # fmt: skip
            cpu = stage_cpu(procs, url, rt, applicants[2 * args.apps :], reviewer)
        if "roster" in phases:
            import_s, import_cpu, review = roster_phase(url, rt, args.roster_lines, reviewer,
                                            args.review_baseline, args.roster_runs)  # fmt: skip
    finally:
        procs.stop_all()
        mail.stop()
    load = os.getloadavg()
    print(
        f"\nbench_load: {os.cpu_count()} cores (load average {load[0]:.1f} at the end, shared "
        f"machine), PostgreSQL + private Redis on loopback, API {args.api_processes} process(es), "
        f"{args.load_workers} worker processes (nice 10) x 2 threads; {args.families} families for "
        f"{args.seconds:.0f} s (arriving over {args.ramp:.0f} s), think {args.think} s"
    )
    _print_families(samples, errors, cpu_used if "families" in phases else None)
    for op in sorted(review):
        print(_row(op, review[op], 0))
    if "pipeline" in phases:
        print(
            f"pipeline: {one:.1f} applications/min with 1 worker process, {two:.1f} with 2 "
            f"({two / one:.2f}x; {args.worker_threads} threads a process, tesseract children a "
            f"process: {os.environ.get('FAMILYBOOK_OCR_CHILDREN') or 'one per core'}, {args.apps} "
            "applications each, checks + OCR)"
        )
        print(
            f"pipeline CPU s per application ({args.cpu_apps} applications after a warm-up; "
            "workers and their children): "
            + ", ".join(f"{stage} {cpu[stage]:.2f}" for stage in ("checks", "ocr", "mail"))
            + f", total {cpu['checks'] + cpu['ocr'] + cpu['mail']:.2f} "
            f"(idle workers {cpu['idle/s']:.3f} CPU s/s, subtracted)"
        )
    if "roster" in phases:
        for run, (took, cpu_s) in enumerate(zip(import_s, import_cpu, strict=True)):
            print(
                f"roster: {args.roster_lines} lines imported in {took:.1f} s "
                f"({args.roster_lines / took:.0f} lines/s, {'updated' if run else 'added'}) "
                f"while the reviewer worked; the command used {cpu_s:.1f} CPU s (start-up "
                "included)"
            )
    return 1 if any(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
