"""What a command checks before it starts (issue 13): the settings load, the database URL
parses and the database answers. Each failure is a `ConfigError` of one line; the command line
prints it and exits 2, so a container's log says what to fix instead of a traceback."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from core.config_errors import ConfigError
from core.settings import Settings, get_settings
from familybook.bootstrap import build_runtime
from storage.blobs import StoreProblem
from usecases.runtime import Runtime


def _where(url: str) -> str:
    """The database named without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(unparseable)"


def runtime_checked(settings: Settings, *, broker: bool, storage: bool = True) -> Runtime:
    """`build_runtime`, with a bad URL or an unreachable database (or, unless `storage` is
    False, file store) said in one line."""
    url = settings.database_url
    try:
        make_url(url)
        rt = build_runtime(settings, broker=broker)
    except (ArgumentError, ValueError) as exc:
        reason = str(exc).splitlines()[0]
        raise ConfigError(
            f"FAMILYBOOK_DATABASE_URL is not a usable database URL 資料庫網址無效: {reason}"
        ) from None
    check_database(rt)
    if storage:
        check_storage(rt)
    return rt


@contextmanager
def command_runtime(*, broker: bool = False, storage: bool = True) -> Iterator[Runtime]:
    """A command's runtime, checked, its database connections closed when the command ends.
    Commands that only write records need no broker: the sweeper wakes the workers for them;
    `storage=False` for those that touch no document (migrate need not wait for the bucket)."""
    rt = runtime_checked(get_settings(), broker=broker, storage=storage)
    try:
        yield rt
    finally:
        rt.db.dispose()


def check_database(rt: Runtime) -> None:
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        rt.db.dispose()
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        raise ConfigError(
            f"database unreachable 無法連線資料庫 {_where(rt.settings.database_url)}: {reason}"
        ) from None


def check_storage(rt: Runtime) -> None:
    """issue 13: an object store that is not there (no bucket, unreachable, refused) stops the
    command at start, not the first upload an hour later."""
    try:
        rt.files.check()
    except StoreProblem as exc:
        rt.db.dispose()
        raise ConfigError(f"FAMILYBOOK_STORAGE_URL: {exc}") from None


def require_schema_at_head(settings: Settings) -> None:
    """Production processes never migrate (several replicas would race): they wait for
    `familybook migrate` (compose's one-shot `migrate` service) and refuse an old schema."""
    from storage.migrate import revisions

    current, head = revisions(settings.database_url)
    if current != head:
        raise ConfigError(
            f"the database schema is at {current or '(empty)'}, the code needs {head}: "
            "run `familybook migrate` first 請先執行 familybook migrate"
        )


def require_redis(settings: Settings) -> None:
    if not settings.redis_url:
        raise ConfigError(
            "familybook worker needs FAMILYBOOK_REDIS_URL (e.g. redis://localhost:6379/0) "
            "工作程序需要 Redis；without it `familybook serve` runs the workers in-process"
        )
