"""Test setup shared by the whole suite.

The backend is chosen by FAMILYBOOK_TEST_BACKEND before anything of ours is imported:
- `embedded` (default): SQLite and dramatiq's in-process broker;
- `production`: PostgreSQL (database `test` on localhost) and Redis.
Email always goes to a real SMTP server (aiosmtpd) started here.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

BACKEND = os.environ.get("FAMILYBOOK_TEST_BACKEND", "embedded")
_DATA = Path(tempfile.mkdtemp(prefix="familybook-test-"))
os.environ["FAMILYBOOK_DATA_DIR"] = str(_DATA)
# Cheap password hashing: argon2id all the same, at the lowest cost it takes (production keeps
# its own, core/settings.py). Child processes of the fault tests inherit it.
os.environ.update(
    FAMILYBOOK_ARGON2_TIME_COST="1",
    FAMILYBOOK_ARGON2_MEMORY_KIB="8",
    FAMILYBOOK_ARGON2_PARALLELISM="1",
)
os.environ.pop("FAMILYBOOK_REDIS_URL", None)
os.environ.pop("FAMILYBOOK_DATABASE_URL", None)
if BACKEND == "production":
    os.environ["FAMILYBOOK_DATABASE_URL"] = os.environ.get(
        "FAMILYBOOK_TEST_DATABASE_URL", "postgresql+psycopg://postgres@localhost:5432/test"
    )
    os.environ["FAMILYBOOK_REDIS_URL"] = os.environ.get(
        "FAMILYBOOK_TEST_REDIS_URL", "redis://localhost:6379/15"
    )

from fastapi.testclient import TestClient  # noqa: E402

from tests.support.mail import MailSink  # noqa: E402

MAIL = MailSink()
os.environ["FAMILYBOOK_SMTP_URL"] = f"smtp://127.0.0.1:{MAIL.port}"

from sqlalchemy import MetaData, text  # noqa: E402

from familybook.bootstrap import build_runtime  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Base  # noqa: E402
from usecases.runtime import Runtime  # noqa: E402
from workers.queues import BrokerQueues  # noqa: E402

if TYPE_CHECKING:
    from storage.s3files import S3Store
    from tests.support.s3 import S3Server
    from workers.runner import WorkerPool

#: Test worker threads look for messages this often (ms): a pool stops in about this long.
WORKER_POLL_MS = 50
#: Tables whose rows the migrations write (the published notices): never emptied between tests.
REFERENCE_TABLES = frozenset({"notices"})
#: The one runtime of the test process (apps built at import, like the fuzzer's, share it).
RUNTIME = build_runtime()


def _drop_everything(rt: Runtime) -> None:
    with rt.db.engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session", autouse=True)
def database() -> Iterator[Runtime]:
    rt = RUNTIME
    if BACKEND == "production":
        _drop_everything(rt)
    upgrade(rt.settings.database_url)
    yield rt
    MAIL.stop()
    rt.db.dispose()
    shutil.rmtree(_DATA, ignore_errors=True)


@pytest.fixture(autouse=True)
def clean_state(database: Runtime) -> Iterator[Runtime]:
    """Every test starts from empty tables, an empty file store, an empty inbox and queues;
    the reference rows migrations publish (REFERENCE_TABLES) stay, as on a fresh install."""
    with database.db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in REFERENCE_TABLES:
                continue
            if table.name == "audit_log" and BACKEND == "production":
                # Append-only: a trigger refuses DELETE; only the owner's TRUNCATE empties it.
                conn.execute(text("TRUNCATE audit_log"))
            else:
                conn.execute(table.delete())
    shutil.rmtree(database.settings.files_dir, ignore_errors=True)
    (database.settings.files_dir / "tmp").mkdir(parents=True)
    shutil.rmtree(database.settings.mail_dir, ignore_errors=True)
    MAIL.clear()
    broker_of(database).flush_all()
    yield database


def broker_of(rt: Runtime):  # type: ignore[no-untyped-def]
    assert isinstance(rt.queues, BrokerQueues)
    return rt.queues.broker


@pytest.fixture
def client(clean_state: Runtime) -> Iterator[TestClient]:
    from fastapi.testclient import TestClient

    from familybook.app import create_app

    with TestClient(create_app(clean_state, run_workers=False)) as test_client:
        yield test_client


@pytest.fixture
def mail(workers: "WorkerPool") -> Iterator[MailSink]:
    """The inbox; reading mail needs the workers that send it. No test may see an email twice."""
    yield MAIL
    assert MAIL.duplicates() == []


@pytest.fixture
def rt(clean_state: Runtime) -> Runtime:
    return clean_state


@pytest.fixture
def workers(clean_state: Runtime) -> Iterator["WorkerPool"]:
    """Real dramatiq workers for checks and email on whichever broker the backend uses (no
    sweeper: the tests drive it)."""
    from workers.runner import WorkerPool

    pool = WorkerPool(
        clean_state, threads=2, queues=("checks", "mail"), sweeper=False, poll_ms=WORKER_POLL_MS
    )
    pool.start()
    yield pool
    pool.stop()


@pytest.fixture
def ocr_workers(workers: "WorkerPool", clean_state: Runtime) -> Iterator["WorkerPool"]:
    """OCR workers as well: most tests leave the OCR queue alone (it costs seconds a file)."""
    from workers.runner import WorkerPool

    pool = WorkerPool(
        clean_state, threads=1, queues=("ocr", "post_ocr"), sweeper=False, poll_ms=WORKER_POLL_MS
    )
    pool.start()
    yield pool
    pool.stop()


#: Folders whose tests touch neither the database nor the broker: run once, in the embedded pass
#: (as do tests marked `backend_independent`).
BACKEND_INDEPENDENT = ("tests/checks/", "tests/ocr/", "tests/moderation/", "tests/unit/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND != "production":
        return
    skip = pytest.mark.skip(reason="backend-independent; runs in the embedded pass")
    for item in items:
        independent = item.get_closest_marker("backend_independent") is not None
        if independent or any(part in item.nodeid for part in BACKEND_INDEPENDENT):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def s3_server() -> Iterator["S3Server"]:
    """A real S3-compatible server over HTTP (moto in server mode, its own process), started
    only by the tests that ask for it."""
    from tests.support.s3 import moto_server

    with moto_server() as server:
        yield server


@pytest.fixture
def s3_store(s3_server: "S3Server", tmp_path: Path) -> "S3Store":
    """A store in a fresh bucket of its own, with the default part size (8 MiB)."""
    from core.crypto import Keys
    from storage.s3files import S3Store

    keys = Keys.parse("k1:" + "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=")
    return S3Store(s3_server.client(), s3_server.new_bucket(), "docs", keys, tmp_path / "work")


@pytest.fixture
def rt_on_s3(rt: Runtime, s3_store: "S3Store") -> Iterator["S3Store"]:
    """The test process's runtime (its API and in-process workers) keeping documents in S3."""
    local, rt.files = rt.files, s3_store
    try:
        yield s3_store
    finally:
        rt.files = local
