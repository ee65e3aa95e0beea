"""The review API on a big queue: 100,000 items across 5 institutions on PostgreSQL.

Fills a dedicated database (default `bench_review` on localhost; it is dropped and created
again) with SQL, not the API: per institution 4,000 approved services, 4,000 applications and
16,000 posts waiting for review (one file each, hashes indexed; 1 file in 100 another
family's file sent again, linked as the checks link it), 1% of them claimed; and a
sixth, small institution with 1,000 items to compare the queue body with. Then through the
review API as it is deployed: `uvicorn --workers 2` (one process per core) in processes of its
own, a real PostgreSQL, the client in this process over loopback HTTP (`review_http`):

- the first queue page, filtered pages, flags, searches, the item detail: p50/p99 of `--n`
  sequential requests by a reviewer of one institution (20,000 items in their queue); the first
  page of a reviewer of two institutions (40,000);
- `POST /queue/next` by 10 reviewers claiming at the same moment, `--claims` rounds (all 10
  fire together, each then waits for all): p50/p99, and the check that no item was claimed
  twice; then the same 10 firing back to back with no pause (a closed-loop stress row, not
  how reviewers work); then the same 10 each on their own, pausing a random 0-0.5 s between
  claims (reviewers working side by side, still far faster than anyone reads an item);
- CPU per request of the API's processes and of PostgreSQL's backends;
- the first page's body size with 1,000 and with 100,000 items waiting.

Run: `.venv/bin/python bench/bench_review.py [--db-url postgresql+psycopg://postgres@127.0.0.1/bench_review]
[--n 200] [--claims 30] [--explain]`. `--explain` prints the plans of the list queries.
"""

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review_explain import explain_all
from review_http import PREFIX, Client, Row, Server, reviewers_at_once, series

from core.security import token_hash
from core.settings import Settings
from storage.migrate import upgrade

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_review"
INSTITUTIONS = 5
#: Per institution: approved services (their posts wait), applications and posts waiting.
SERVICES, APPLICATIONS, POSTS = 4_000, 4_000, 16_000
SMALL_ITEMS = 1_000
REVIEWERS = 10
#: uvicorn worker processes: one per core of the 2-core machine, as an operator would run it.
SERVER_WORKERS = 2
GOAL_MS = 50.0
#: Reviewers working side by side pause up to this long between claims (reading an item takes
#: minutes; this only spreads the claims out a little).
THINK_S = 0.5
#: Claim rounds before the measured ones: each connection a worker process uses for claims
#: prepares the claim at its 6th run and keeps a generic plan after 5 more (a server that has
#: been up for a while); 3 rounds left a third of the measured claims planned afresh.
WARM_ROUNDS = 12

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
         '[]', CASE WHEN x.r < 0.05 THEN
           '[{"code": "contains_phone_number", "message": "電話", "message_en": "Phone."}]'
           WHEN x.r < 0.052 THEN
           '[{"code": "contains_link", "message": "連結", "message_en": "A link."}]'
           ELSE '[]' END::json,
         s.submitted_at, s.submitted_at, s.submitted_at, 1,
         CASE WHEN random() < 0.9 THEN s.submitted_at END
       -- one draw per row (a lateral subquery not tied to the row would be drawn once)
       FROM submissions s CROSS JOIN LATERAL (SELECT random() + 0 * length(s.id) AS r) x""",
    # the flag index (migration 0013) as the ORM keeps it for what the application writes
    """INSERT INTO attempt_flags (attempt_id, code)
       SELECT DISTINCT a.id, f.value ->> 'code'
       FROM attempts a CROSS JOIN LATERAL json_array_elements(a.flags) f""",
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
    # 1 file in 100 is another family's file sent again, linked as the checks link it
    """UPDATE files f SET sha256 = o.sha256 FROM files o
       WHERE right(f.id, 2) = '00'
         AND o.id = left(f.id, 24) || lpad((right(f.id, 12)::bigint - 1)::text, 12, '0')""",
    """INSERT INTO file_duplicates (file_id, other_file_id, match, distance)
       SELECT x.id, y.id, 'exact', 0
       FROM files x JOIN files y ON y.sha256 = x.sha256 AND y.id <> x.id
       JOIN attempts ax ON ax.id = x.attempt_id JOIN submissions sx ON sx.id = ax.submission_id
       JOIN attempts ay ON ay.id = y.attempt_id JOIN submissions sy ON sy.id = ay.submission_id
       WHERE sx.account_id <> sy.account_id""",
    # reviewers 1..10 serve institution 1 (20,000 items); reviewer 0 the small one
    """INSERT INTO staff (id, email, name, role, token_hash, created_at, token_issued_at,
         token_expires_at)
       SELECT bid(6, r), 'r' || r || '@b.example', '審核員' || r, 'reviewer', 'h' || r, now(),
         now(), now() + interval '90 days'
       FROM generate_series(0, :reviewers + 1) r""",
    """INSERT INTO staff_institutions (staff_id, institution_id)
       SELECT bid(6, r), bid(1, CASE WHEN r = 0 THEN :inst + 1 ELSE 1 END)
       FROM generate_series(0, :reviewers) r""",
    # one more reviewer serves institutions 1 and 2 (40,000 items in their queue)
    """INSERT INTO staff_institutions (staff_id, institution_id)
       SELECT bid(6, :reviewers + 1), bid(1, i) FROM generate_series(1, 2) i""",
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
        for r in range(REVIEWERS + 2):  # the tokens' hashes (SHA-256), computed here
            conn.execute(
                text("UPDATE staff SET token_hash = :h WHERE token_hash = :placeholder"),
                {"h": token_hash(token(r)), "placeholder": f"h{r}"},
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        # The fill's half a gigabyte of WAL written out now, not by a checkpoint running under
        # the first measured rows (one did: fsyncs of 0.2 s, a p99 of 58 ms).
        conn.execute(text("CHECKPOINT"))
    os.sync()  # and out of the kernel's cache, not written back under the measured commits
    with engine.connect() as conn:
        counts = conn.execute(
            text("SELECT status, count(*) FROM submissions GROUP BY status ORDER BY status")
        ).all()
        links = conn.scalar(text("SELECT count(*) FROM file_duplicates"))
    engine.dispose()
    print("filled:", ", ".join(f"{s} {n}" for s, n in counts), f"; duplicate links {links}")


def release_claims(url: str) -> None:
    """Give back every item the bench's reviewers claimed in an earlier run (`--no-fill`):
    their leases lapse after 30 minutes, and claim-next would then take over those (two
    moves each, after a scan of every lapsed lease) instead of the oldest waiting items, so
    a run would measure what the runs before it left. The sweeper does this in production."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                """UPDATE submissions SET status = 'awaiting_review', claimed_by = NULL,
                     lease_expires_at = NULL, version = version + 1
                   WHERE status = 'in_review' AND claimed_by IN (SELECT id FROM staff
                     WHERE email LIKE 'r%@b.example' AND email <> 'r0@b.example')"""
            )
        )
        conn.execute(
            text(
                """UPDATE attempts a SET status = s.status FROM submissions s
                   WHERE s.id = a.submission_id AND a.number = s.attempt
                     AND a.status = 'in_review' AND s.status = 'awaiting_review'"""
            )
        )
    # Every run from the same state: the given-back rows' dead versions (which autovacuum
    # would clear in production within a minute) gone from the queue's indexes.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE submissions, attempts"))
    engine.dispose()


def measure(url: str, n: int, claims: int) -> tuple[list[Row], tuple[int, int]]:
    """Every row through the API as deployed (`review_http.Server`: uvicorn, 2 worker
    processes) over loopback HTTP; the first page's body with 1,000 and 100,000 waiting."""
    # The client's own full collections (tens of ms with the fill's objects) are not the API's
    # latency: what exists now is left out of them, as the API does with its own.
    gc.collect()
    gc.freeze()
    with Server(url, workers=SERVER_WORKERS) as server:
        me = Client(server.port, token(1))
        rows = _reads(server, me, n)
        # Warm-up, not measured: every worker process's connections open, statements prepared
        _, warm = reviewers_at_once(server, _tokens(), WARM_ROUNDS, together=True)
        together, got = reviewers_at_once(server, _tokens(), claims, together=True)
        rows.append(together)
        stress, more = reviewers_at_once(server, _tokens(), claims, together=False)
        rows.append(stress)
        working, also = reviewers_at_once(
            server, _tokens(), claims, together=False, think_s=THINK_S
        )
        rows.append(working)
        claimed = warm + got + more + also
        assert len(claimed) == len(set(claimed)), "an item was claimed twice"
        small = len(Client(server.port, token(0)).get(f"{PREFIX}/queue")[2])
        big = len(me.get(f"{PREFIX}/queue")[2])
    return rows, (small, big)


def _tokens() -> list[str]:
    return [token(r) for r in range(1, REVIEWERS + 1)]


def _reads(server: Server, me: Client, n: int) -> list[Row]:
    callsigns = [f"{m:06d}" for m in range(1, SERVICES * INSTITUTIONS, INSTITUTIONS)]
    rows: list[Row] = []

    def read(name: str, path_of, note: str = "") -> None:
        rows.append(series(server, me, n, name, lambda k: PREFIX + path_of(k), note))

    read("GET /queue (first page, 50 rows)", lambda k: "/queue")
    read(
        "GET /queue filtered",
        lambda k: "/queue?kind=post&claimed=unclaimed&ocr_state=done&sort=newest",
        "kind=post&claimed=unclaimed&ocr_state=done&sort=newest",
    )
    phone, link = "contains_phone_number", "contains_link"
    read(f"GET /queue?flag={phone}", lambda k: f"/queue?flag={phone}", "5% of the items")
    read(f"GET /queue?flag={link}", lambda k: f"/queue?flag={link}", "0.2% of the items")
    read("GET /queue?q=<callsign>", lambda k: f"/queue?q={random.choice(callsigns)}")
    read("GET /queue?q=<national ID>", lambda k: f"/queue?q=A1{random.randint(1, 20000):08d}")
    read("GET /queue?q=<name prefix>", lambda k: f"/queue?q=家屬{random.randint(1, 9999)}")
    ids = [r["id"] for r in json.loads(me.get(f"{PREFIX}/queue?limit=200")[2])]
    read("GET /items/{id} (detail)", lambda k: f"/items/{random.choice(ids)}")
    read("GET /items?status=awaiting_review", lambda k: "/items?status=awaiting_review")
    two = Client(server.port, token(REVIEWERS + 1))
    name = "GET /queue (first page) of a reviewer of 2 institutions"
    rows.append(series(server, two, n, name, lambda k: f"{PREFIX}/queue", "40,000 items"))
    rows.append(series(server, me, n, "GET /healthz (baseline)", lambda k: "/healthz"))
    return rows


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
    else:
        release_claims(args.db_url)
    if args.explain:
        explain(args.db_url)
    load = os.getloadavg()
    rows, (small, big) = measure(args.db_url, args.n, args.claims)
    print(
        f"\nconditions: {os.cpu_count()} CPUs, load average before {load[0]:.2f} "
        f"{load[1]:.2f} {load[2]:.2f}, after {os.getloadavg()[0]:.2f}; the review API served by "
        f"uvicorn with {SERVER_WORKERS} worker processes, the client in the bench process over "
        "loopback HTTP (every row)"
    )
    print(
        f"\n| measure | p50 ms | p99 ms | p99 < {GOAL_MS:.0f} ms | API CPU ms/request "
        "| PostgreSQL CPU ms/request | notes |"
    )
    print("|---|---:|---:|---|---:|---:|---|")
    for name, p50, p99, cpu, db_cpu, note in rows:
        verdict = "yes" if p99 < GOAL_MS else "NO"
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {verdict} | {cpu:.1f} | {db_cpu:.1f} | {note} |")
    print(
        f"\nqueue first page body: {small:,} bytes with {SMALL_ITEMS:,} items waiting, "
        f"{big:,} bytes with {(APPLICATIONS + POSTS) * INSTITUTIONS:,} (the reviewer's "
        f"institution holds {APPLICATIONS + POSTS:,})"
    )


if __name__ == "__main__":
    main()
