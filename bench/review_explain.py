"""EXPLAIN ANALYZE of every statement the review API sends for each measured operation
(`bench_review.py --explain`): how many statements, what each scans, and any sequential scan
of a large table (the goal: none; index, index-only or keyset range scans only).

Writes (UPDATE/INSERT) are listed, not explained. A SELECT … FOR UPDATE is explained inside a
transaction rolled back at once, so the locks it takes are released.
"""

import re
import tempfile
from pathlib import Path

from sqlalchemy import event, text

from core.settings import Settings

#: A table with more rows than this must never be read whole.
LARGE = 10_000
SCAN = re.compile(r"(Seq Scan on \w+|Index Only Scan(?: Backward)? using \w+|"
                  r"Index Scan(?: Backward)? using \w+|Bitmap Index Scan on \w+)")  # fmt: skip


def explain_all(url: str, operations: dict[str, tuple[str, str]], headers: dict[str, str]) -> None:
    from fastapi.testclient import TestClient

    from familybook.bootstrap import build_runtime
    from review_api.app import create_review_app

    rt = build_runtime(Settings(database_url=url, data_dir=Path(tempfile.mkdtemp())), broker=False)
    captured: list[tuple[str, object]] = []

    @event.listens_for(rt.db.engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with rt.db.engine.connect() as conn:
        sizes = {
            name: rows
            for name, rows in conn.execute(text("SELECT relname, reltuples FROM pg_class"))
        }
    large = {name for name, rows in sizes.items() if rows > LARGE}
    seq_scans: list[str] = []
    with TestClient(create_review_app(rt)) as client:
        for name, (method, path) in operations.items():
            client.request(method, path, headers=headers)  # warm (plans, pool)
            captured.clear()
            client.request(method, path, headers=headers)
            statements = list(captured)
            print(f"\n--- {name} ({method} {path}): {len(statements)} statements")
            for statement, parameters in statements:
                seq_scans += _explain_one(rt, statement, parameters, large)
    rt.db.dispose()
    print(f"\nsequential scans of tables over {LARGE:,} rows: {', '.join(seq_scans) or 'none'}")


def _explain_one(rt, statement: str, parameters: object, large: set[str]) -> list[str]:
    flat = " ".join(statement.split())
    if not flat.upper().startswith("SELECT"):
        print(f"  write  {flat[:100]}")
        return []
    with rt.db.engine.connect() as conn:
        plan = [r[0] for r in conn.exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters)]
        conn.rollback()
    took = next((line.split(":")[1].strip() for line in plan if "Execution Time" in line), "?")
    scans = sorted({m.group(0) for line in plan for m in SCAN.finditer(line)})
    bad = [s for s in scans if s.startswith("Seq Scan") and s.split()[-1] in large]
    print(f"  {took:>9}  {flat[:70]}…")
    print(f"             {'; '.join(scans) or 'no table scan'}{'  <-- SEQ SCAN' if bad else ''}")
    return bad
