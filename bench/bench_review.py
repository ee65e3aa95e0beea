"""The review API on a big queue: 100,000 items across 5 institutions on PostgreSQL.

Fills a dedicated database (default `bench_review` on localhost; it is dropped and created
again) with SQL, not the API: per institution 4,000 approved services, 4,000 applications and
16,000 posts waiting for review (one file each, hashes indexed), 1% of them claimed; and a
sixth, small institution with 1,000 items to compare the queue body with. Then, through the
review API in-process (FastAPI, our routes and schemas, a real PostgreSQL; no network):

- the first queue page, a filtered page, a search by callsign, the item detail: p50/p99 of
  `--n` sequential requests by a reviewer of one institution (20,000 items in their queue);
- `POST /queue/next` by 10 reviewers at once until each has `--claims` items: p50/p99, and
  the check that no item was claimed twice;
- the first page's body size with 1,000 and with 100,000 items waiting.

Run: `.venv/bin/python bench/bench_review.py [--db-url postgresql+psycopg://postgres@127.0.0.1/bench_review]
[--n 200] [--claims 30] [--explain]`. `--explain` prints the plans of the list queries.
"""

import argparse
import concurrent.futures
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review_explain import explain_all

from core.security import token_hash
from core.settings import Settings
from storage.migrate import upgrade

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_review"
INSTITUTIONS = 5
#: Per institution: approved services (their posts wait), applications and posts waiting.
SERVICES, APPLICATIONS, POSTS = 4_000, 4_000, 16_000
SMALL_ITEMS = 1_000
REVIEWERS = 10
GOAL_MS = 50.0

FILL = [
    # ids: a UUID-shaped string per table and number, so rows can refer to each other in SQL
    """CREATE FUNCTION bid(kind int, n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
       $$ SELECT lpad(kind::text, 8, '0') || '-0000-4000-8000-' || lpad(n::text, 12, '0') $$""",
    """INSERT INTO institutions (id, code, name, policy)
       SELECT bid(1, i), 'B' || i, '測試機關' || i, '{}' FROM generate_series(1, :inst + 1) i""",
    # accounts and inmates 1..M: one per application (services, waiting applications, small)
    """INSERT INTO accounts (id, name, national_id, email, email_key, birth_date, mobile, phone,
         password_hash, consent_version, consented_at, verified_at, created_at)
       SELECT bid(2, a), '家屬' || a, 'A1' || lpad(a::text, 8, '0'), 'f' || a || '@b.example',
         'f' || a || '@b.example', date '1980-01-01', '0912345678', '', '-', '1', now(), now(),
         now() FROM generate_series(1, :m) a""",
    """INSERT INTO inmates (id, institution_id, callsign, name)
       SELECT bid(3, m), bid(1, CASE WHEN m > :m - :small THEN :inst + 1
                                ELSE (m - 1) % :inst + 1 END),
         lpad(m::text, 6, '0'), '收容人' || m FROM generate_series(1, :m) m""",
    # applications: 1..S approved services, the rest waiting (the small institution's last)
    """INSERT INTO submissions (id, kind, account_id, institution_id, status, version, attempt,
         submitted_at, status_changed_at, decided_at, created_at)
       SELECT bid(4, a), 'application', bid(2, a), i.institution_id,
         CASE WHEN a <= :s THEN 'approved' ELSE 'awaiting_review' END, 1, 1,
         now() - (random() * interval '30 days'), now(), NULL, now()
       FROM generate_series(1, :m) a JOIN inmates i ON i.id = bid(3, a)""",
    """INSERT INTO applications (id, inmate_id, relationship, holds_inmate)
       SELECT bid(4, a), bid(3, a), 'spouse', true FROM generate_series(1, :m) a""",
    """INSERT INTO submissions (id, kind, account_id, institution_id, status, version, attempt,
         submitted_at, status_changed_at, created_at)
       SELECT bid(5, p), 'post', s.account_id, s.institution_id, 'awaiting_review', 1, 1,
         now() - (random() * interval '30 days'), now(), now()
       FROM generate_series(1, :p) p JOIN submissions s ON s.id = bid(4, (p - 1) % :s + 1)""",
    """INSERT INTO posts (id, application_id)
       SELECT bid(5, p), bid(4, (p - 1) % :s + 1) FROM generate_series(1, :p) p""",
    """INSERT INTO attempts (id, submission_id, number, status, title, body, reasons, flags,
         submitted_at, checked_at, ocr_started_at, ocr_tries, ocr_done_at)
       SELECT 'a' || substr(s.id, 2), s.id, 1, s.status,
         CASE WHEN s.kind = 'post' THEN '近況 ' || s.id END, CASE WHEN s.kind = 'post' THEN '…' END,
         '[]', CASE WHEN random() < 0.05 THEN
           '[{"code": "contains_phone_number", "message": "電話", "message_en": "Phone."}]'
           ELSE '[]' END::json,
         s.submitted_at, s.submitted_at, s.submitted_at, 1,
         CASE WHEN random() < 0.9 THEN s.submitted_at END
       FROM submissions s""",
    """INSERT INTO files (id, attempt_id, category, original_name, declared_type, size, sha256,
         storage_key, detected_type, width, height, phash)
       SELECT 'f' || substr(s.id, 2), 'a' || substr(s.id, 2),
         CASE WHEN s.kind = 'post' THEN 'attachments' ELSE 'identity_documents' END, 'x.jpg',
         'image/jpeg', 1000, md5(s.id) || md5(s.id || 'x'), 'bench/' || s.id, 'image/jpeg',
         1280, 812, md5(s.id || 'p') || md5(s.id || 'q')
       FROM submissions s WHERE s.status = 'awaiting_review'""",
    """INSERT INTO phash_bands (band, value, file_id)
       SELECT b, ('x' || substr(f.phash, 61 - 4 * b, 4))::bit(16)::int, f.id
       FROM files f CROSS JOIN generate_series(0, 15) b""",
    # reviewers 1..10 serve institution 1 (20,000 items); reviewer 0 the small one
    """INSERT INTO staff (id, email, name, role, token_hash, created_at, token_issued_at,
         token_expires_at)
       SELECT bid(6, r), 'r' || r || '@b.example', '審核員' || r, 'reviewer', 'h' || r, now(),
         now(), now() + interval '90 days'
       FROM generate_series(0, :reviewers) r""",
    """INSERT INTO staff_institutions (staff_id, institution_id)
       SELECT bid(6, r), bid(1, CASE WHEN r = 0 THEN :inst + 1 ELSE 1 END)
       FROM generate_series(0, :reviewers) r""",
    # 1% of the waiting items claimed by someone else (a lease still running)
    """UPDATE submissions SET status = 'in_review', claimed_by = bid(6, 0),
         lease_expires_at = now() + interval '1 hour', version = 2
       WHERE status = 'awaiting_review' AND random() < 0.01""",
    "UPDATE attempts a SET status = s.status FROM submissions s WHERE s.id = a.submission_id",
    "DROP FUNCTION bid(int, bigint)",
]


def token(r: int) -> str:
    return f"fbs_bench_reviewer_{r}"


def fill(url: str) -> None:
    admin = make_url(url).set(database="postgres")
    name = make_url(url).database
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    upgrade(url)
    params = {
        "inst": INSTITUTIONS,
        "s": SERVICES * INSTITUTIONS,
        "m": (SERVICES + APPLICATIONS) * INSTITUTIONS + SMALL_ITEMS,
        "small": SMALL_ITEMS,
        "p": POSTS * INSTITUTIONS,
        "reviewers": REVIEWERS,
    }
    engine = create_engine(url)
    with engine.begin() as conn:
        for sql in FILL:
            conn.execute(text(sql), params)
        for r in range(REVIEWERS + 1):  # the tokens' hashes (SHA-256), computed here
            conn.execute(
                text("UPDATE staff SET token_hash = :h WHERE token_hash = :placeholder"),
                {"h": token_hash(token(r)), "placeholder": f"h{r}"},
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        counts = conn.execute(
            text("SELECT status, count(*) FROM submissions GROUP BY status ORDER BY status")
        ).all()
    engine.dispose()
    print("filled:", ", ".join(f"{s} {n}" for s, n in counts))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def cpu_ms() -> float:
    """CPU time of this process (client, API and driver; not PostgreSQL's), in ms: on a shared
    machine the wall time mostly measures waiting for a core, this what a request costs."""
    return time.process_time() * 1000


Row = tuple[str, float, float, float, str]


def measure(url: str, n: int, claims: int) -> list[Row]:
    from fastapi.testclient import TestClient

    from familybook.app import create_app
    from familybook.bootstrap import build_runtime
    from review_api.app import create_review_app

    data = tempfile.mkdtemp(prefix="bench-review-")
    rt = build_runtime(
        Settings(database_url=url, data_dir=Path(data), db_pool_size=12), broker=False
    )
    # One event loop for the whole run (a TestClient outside `with` starts one per request).
    with TestClient(create_review_app(rt)) as client:
        rows = _measure(client, n, claims)
    # The same through the whole app as served (request ids, access log, metrics, security
    # headers, body limits): a trivial route is the baseline every request pays.
    with TestClient(create_app(rt, run_workers=False, apis="review")) as client:
        me = {"Authorization": f"Bearer {token(1)}"}
        baseline = "GET /healthz, whole app (baseline)"
        rows.append(_series(client, me, n, baseline, lambda k: "/healthz"))
        rows.append(
            _series(client, me, n, "GET /review/v1/queue, whole app", lambda k: "/review/v1/queue")
        )
    rt.db.dispose()
    return rows


def _series(client, headers, n: int, name: str, path_of, note: str = "") -> Row:
    """`n` sequential GETs: wall p50/p99, and this process's CPU per request (the API, the
    driver and the in-process client; PostgreSQL's own CPU is not in it)."""
    client.get(path_of(0), headers=headers)  # warm: plans cached, connections open
    samples = []
    cpu = cpu_ms()
    for k in range(n):
        path = path_of(k)
        ms, r = timed(lambda: client.get(path, headers=headers))  # noqa: B023
        assert r.status_code == 200, r.text
        samples.append(ms)
    return (name, *percentiles(samples), (cpu_ms() - cpu) / n, note)


def _measure(client, n: int, claims: int) -> list[Row]:
    me = {"Authorization": f"Bearer {token(1)}"}
    callsigns = [f"{m:06d}" for m in range(1, SERVICES * INSTITUTIONS, INSTITUTIONS)]
    rows: list[Row] = []

    def series(name: str, path_of, note: str = "") -> None:
        rows.append(_series(client, me, n, name, path_of, note))

    series("GET /queue (first page, 50 rows)", lambda k: "/queue")
    series(
        "GET /queue filtered",
        lambda k: "/queue?kind=post&claimed=unclaimed&ocr_state=done&sort=newest",
        "kind=post&claimed=unclaimed&ocr_state=done&sort=newest",
    )
    series("GET /queue?flag=contains_phone_number", lambda k: "/queue?flag=contains_phone_number")
    series("GET /queue?q=<callsign>", lambda k: f"/queue?q={random.choice(callsigns)}")
    series("GET /queue?q=<national ID>", lambda k: f"/queue?q=A1{random.randint(1, 20000):08d}")
    series("GET /queue?q=<name prefix>", lambda k: f"/queue?q=家屬{random.randint(1, 9999)}")
    ids = [r["id"] for r in client.get("/queue?limit=200", headers=me).json()]
    series("GET /items/{id} (detail)", lambda k: f"/items/{random.choice(ids)}")
    series("GET /items?status=awaiting_review", lambda k: "/items?status=awaiting_review")
    rows.append(claim_next(client, claims))
    return rows


def claim_next(client, claims: int) -> Row:
    """Ten reviewers at once, each claiming `claims` items; no item may be given twice."""

    def reviewer(r: int) -> tuple[list[float], list[str]]:
        headers = {"Authorization": f"Bearer {token(r)}"}
        samples, got = [], []
        for _ in range(claims):
            ms, resp = timed(lambda: client.post("/queue/next", headers=headers))
            assert resp.status_code == 200, resp.text
            samples.append(ms)
            got.append(resp.json()["id"])
        return samples, got

    cpu = cpu_ms()
    with concurrent.futures.ThreadPoolExecutor(REVIEWERS) as pool:
        results = list(pool.map(reviewer, range(1, REVIEWERS + 1)))
    cpu_each = (cpu_ms() - cpu) / (REVIEWERS * claims)
    samples = [ms for s, _ in results for ms in s]
    got = [i for _, g in results for i in g]
    assert len(got) == len(set(got)), "an item was claimed twice"
    note = f"{REVIEWERS} reviewers x {claims}; {len(got)} claims, none twice"
    return (f"POST /queue/next ({REVIEWERS} at once)", *percentiles(samples), cpu_each, note)


def body_sizes(url: str) -> tuple[int, int]:
    from fastapi.testclient import TestClient

    from familybook.bootstrap import build_runtime
    from review_api.app import create_review_app

    rt = build_runtime(Settings(database_url=url, data_dir=Path(tempfile.mkdtemp())), broker=False)
    with TestClient(create_review_app(rt)) as client:
        small = client.get("/queue", headers={"Authorization": f"Bearer {token(0)}"})
        big = client.get("/queue", headers={"Authorization": f"Bearer {token(1)}"})
    rt.db.dispose()
    return len(small.content), len(big.content)


EXPLAINED = {
    "first page": "/queue",
    "filtered": "/queue?kind=post&claimed=unclaimed&ocr_state=done&sort=newest",
    "callsign": "/queue?q=000006",
    "national id": "/queue?q=A100000011",
    "name prefix": "/queue?q=家屬123",
}


def explain(url: str) -> None:
    """The plans of the queue's first page and searches, as the API sends them; then every
    statement of every measured operation, explained (`review_explain`)."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from familybook.bootstrap import build_runtime
    from review_api.app import create_review_app

    rt = build_runtime(Settings(database_url=url, data_dir=Path(tempfile.mkdtemp())), broker=False)
    captured: list[tuple[str, object]] = []

    @event.listens_for(rt.db.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):
        if "ORDER BY submissions.submitted_at" in statement and "LIMIT" in statement:
            captured.append((statement, parameters))

    with TestClient(create_review_app(rt)) as client:
        for name, path in EXPLAINED.items():
            captured.clear()
            client.get(path, headers={"Authorization": f"Bearer {token(1)}"})
            _print_plan(rt, name, path, *captured[-1])
    rt.db.dispose()
    operations = {name: ("GET", path) for name, path in EXPLAINED.items()}
    operations["flag"] = ("GET", "/queue?flag=contains_phone_number")
    operations["items"] = ("GET", "/items?status=awaiting_review")
    # A post and a waiting application of the reviewer's institution (ids as `FILL` makes them)
    operations["detail (post)"] = ("GET", "/items/00000005-0000-4000-8000-000000000001")
    operations["detail (application)"] = ("GET", "/items/00000004-0000-4000-8000-000000020001")
    operations["claim-next"] = ("POST", "/queue/next")
    explain_all(url, operations, {"Authorization": f"Bearer {token(1)}"})


def _print_plan(rt, name: str, path: str, statement: str, parameters: object) -> None:
    with rt.db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS OFF) " + statement, parameters)
        print(f"--- {name} ({path})")
        print("\n".join(r[0] for r in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db-url", default=os.environ.get("BENCH_REVIEW_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--n", type=int, default=200, help="requests per read measured")
    parser.add_argument("--claims", type=int, default=30, help="claims per reviewer")
    parser.add_argument("--no-fill", action="store_true", help="reuse the filled database")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not args.no_fill:
        start = time.perf_counter()
        fill(args.db_url)
        print(f"fill: {time.perf_counter() - start:.0f} s")
    if args.explain:
        explain(args.db_url)
    load = os.getloadavg()
    small, big = body_sizes(args.db_url)
    rows = measure(args.db_url, args.n, args.claims)
    print(
        f"\nconditions: {os.cpu_count()} CPUs, load average before {load[0]:.2f} "
        f"{load[1]:.2f} {load[2]:.2f}, after {os.getloadavg()[0]:.2f}; in-process ASGI client"
    )
    print(f"\n| measure | p50 ms | p99 ms | p99 < {GOAL_MS:.0f} ms | CPU ms/request | notes |")
    print("|---|---:|---:|---|---:|---|")
    for name, p50, p99, cpu, note in rows:
        verdict = "yes" if p99 < GOAL_MS else "NO"
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {verdict} | {cpu:.1f} | {note} |")
    print(
        f"\nqueue first page body: {small:,} bytes with {SMALL_ITEMS:,} items waiting, "
        f"{big:,} bytes with {(APPLICATIONS + POSTS) * INSTITUTIONS:,} (the reviewer's "
        f"institution holds {APPLICATIONS + POSTS:,})"
    )


if __name__ == "__main__":
    main()
