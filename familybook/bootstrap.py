"""Build the process's runtime from the settings: database, file store, passwords and the
broker with its actors. Called by the app and the command line, never on import."""

from core.security import Passwords
from core.settings import Settings, get_settings
from storage.db import Database
from storage.files import FileStore
from usecases.runtime import NoQueues, Runtime
from workers.actors import declare_actors
from workers.broker import make_broker
from workers.queues import BrokerQueues


def build_runtime(settings: Settings | None = None, *, broker: bool = True) -> Runtime:
    """Everything a use case needs. `broker=False` for commands that never wake a worker (the
    sweeper re-sends anything they leave)."""
    settings = settings or get_settings()
    rt = Runtime(
        settings=settings,
        db=Database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        ),
        files=FileStore(settings.files_dir),
        passwords=Passwords(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        ),
        queues=NoQueues(),
    )
    if broker:
        dramatiq_broker = make_broker(settings)
        rt.queues = BrokerQueues(dramatiq_broker, declare_actors(dramatiq_broker, rt))
    return rt
