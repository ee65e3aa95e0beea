"""`familybook backup DIR` and `familybook restore DIR` (issue 13): a consistent copy of the
database and the file store, verified by counting.

- SQLite: the online backup API (`sqlite3.Connection.backup`), consistent while the API runs.
- PostgreSQL: `pg_dump -Fc` reading the snapshot of the transaction that counted the rows, so
  the counts in the manifest are exactly what the dump holds; `pg_restore --clean` back.
- Files: copied after the database, so every file the database names is there (a file written
  meanwhile is copied too and is merely unreferenced); read and written through the file store,
  so the local folder and object storage (FAMILYBOOK_STORAGE_URL) back up alike, encrypted as
  they are at rest.
`manifest.json` holds the rows per table and the number of files; restore refuses a folder
without one, and verifies the restored counts against it (exit 1 on any difference).
"""

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.engine import make_url

from core.config_errors import ConfigError
from storage.blobs import KEY_PATTERN, BlobStore, private_dir, private_file
from storage.models import Base
from usecases.runtime import Runtime

MANIFEST = "manifest.json"
SQLITE_FILE = "familybook.sqlite3"
PG_DUMP = "familybook.pgdump"
FILES = "files"


def _counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
        for t in Base.metadata.sorted_tables
    }


def count_files(root: Path) -> int:
    if not root.exists():
        return 0
    return sum(1 for p in root.rglob("*") if p.is_file() and "tmp" not in p.relative_to(root).parts)


def _libpq(rt: Runtime) -> tuple[str, dict[str, str]]:
    """pg_dump's URL (libpq has no `+psycopg`) and the password through the environment."""
    url = make_url(rt.settings.database_url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise ConfigError(f"{args[0]} failed: {reason}")


def backup(rt: Runtime, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ConfigError(f"{folder} is not empty: back up into a new folder")
    if rt.db.engine.dialect.name == "sqlite":
        target = folder / SQLITE_FILE
        with closing(rt.db.engine.raw_connection()) as raw, closing(sqlite3.connect(target)) as dst:
            raw.driver_connection.backup(dst)  # type: ignore[union-attr]
        counts = _sqlite_counts(target)
    else:
        url, env = _libpq(rt)
        with rt.db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            counts = _counts(conn)
            _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}",
                  "-f", str(folder / PG_DUMP), url], env)  # fmt: skip
    _copy_out(rt.files, folder / FILES)
    manifest = {
        "backend": rt.db.engine.dialect.name,
        "rows": counts,
        "files": count_files(folder / FILES),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def _sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            t.name: int(conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
            for t in Base.metadata.sorted_tables
        }


def restore(rt: Runtime, folder: Path) -> dict[str, Any]:
    """Put the database and the files back as the backup has them; returns what differs from
    the manifest (empty: verified). Stop the API and workers first."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise ConfigError(f"{folder} holds no {MANIFEST}: not a familybook backup") from None
    if manifest["backend"] != rt.db.engine.dialect.name:
        raise ConfigError(f"the backup is of {manifest['backend']}; this database is not")
    rt.db.dispose()
    if manifest["backend"] == "sqlite":
        with (
            closing(sqlite3.connect(folder / SQLITE_FILE)) as src,
            closing(rt.db.engine.raw_connection()) as raw,
        ):
            src.backup(raw.driver_connection)  # type: ignore[arg-type]
    else:
        url, env = _libpq(rt)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", url,
              str(folder / PG_DUMP)], env)  # fmt: skip
    _copy_in(folder / FILES, rt.files)
    with rt.db.engine.connect() as conn:
        counts = _counts(conn)
    differs = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
    if rt.files.count() != manifest["files"]:
        differs["files"] = (manifest["files"], rt.files.count())
    return differs


def _backed_up(root: Path) -> dict[str, Path]:
    if not root.exists():
        return {}
    return {p.name: p for p in root.glob("??/??/*") if p.is_file() and KEY_PATTERN.match(p.name)}


def _copy_out(store: BlobStore, root: Path) -> None:
    """Every stored file's at-rest (encrypted) bytes, laid out as the local store lays them:
    a backup of either backend restores into either."""
    for key in store.stored_keys():
        target = private_dir(root / key[:2] / key[2:4]) / key
        with os.fdopen(private_file(target), "wb") as out:
            for block in store.raw_chunks(key):
                out.write(block)


def _copy_in(root: Path, store: BlobStore) -> None:
    """The store made to hold exactly the backup's files: the others removed."""
    saved = _backed_up(root)
    for key in list(store.stored_keys()):
        if key not in saved:
            store.delete(key)
    for key, path in saved.items():
        store.put_raw(key, _blocks(path))


def _blocks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            yield block
