"""Build the process's runtime from the settings: database, file store, passwords and the
broker with its actors. Called by the app and the command line, never on import."""

import os

from core.crypto import Keys
from core.security import Passwords
from core.settings import Settings, get_settings
from storage.db import Database
from storage.files import FileStore, private_dir, private_file
from usecases.runtime import NoQueues, Runtime
from workers.actors import declare_actors
from workers.broker import make_broker
from workers.queues import BrokerQueues


class RefusedSettings(RuntimeError):
    """Settings production must not run with; the message is one line for the operator."""


def file_keys(settings: Settings) -> Keys:
    """The keys of the file store: from the settings, or (not in production) a key file made
    once in the data dir, readable by its owner only."""
    if settings.encryption_keys:
        return Keys.parse(settings.encryption_keys)
    if settings.production:
        raise RefusedSettings(
            "FAMILYBOOK_ENCRYPTION_KEYS is not set: production keeps no documents unencrypted"
        )
    if not settings.key_file.exists():
        private_dir(settings.data_dir)
        with os.fdopen(private_file(settings.key_file), "w") as fh:
            fh.write(Keys.generate_spec() + "\n")
    return Keys.parse(settings.key_file.read_text())


def build_runtime(settings: Settings | None = None, *, broker: bool = True) -> Runtime:
    """Everything a use case needs. `broker=False` for commands that never wake a worker (the
    sweeper re-sends anything they leave)."""
    settings = settings or get_settings()
    problems = settings.production_problems()
    if problems:
        raise RefusedSettings("; ".join(problems))
    rt = Runtime(
        settings=settings,
        db=Database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        ),
        files=FileStore(settings.files_dir, file_keys(settings)),
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
