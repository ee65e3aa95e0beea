"""Build the process's runtime from the settings: database, file store, passwords and the
broker with its actors. Called by the app and the command line, never on import."""

import os

from core.crypto import Keys
from core.security import Passwords
from core.settings import Settings, get_settings
from storage.blobs import BlobStore
from storage.db import Database
from storage.files import FileStore, private_dir, private_file
from usecases.runtime import NoQueues, Runtime


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


def file_store(settings: Settings) -> BlobStore:
    """The local folder, or object storage when FAMILYBOOK_STORAGE_URL names a bucket (issue 13).
    Nothing is contacted here: `preflight.check_storage` asks the bucket when a command starts."""
    keys = file_keys(settings)
    location = settings.s3_location
    if location is None:
        return FileStore(settings.files_dir, keys)
    from storage.s3files import S3Store, connect

    client = connect(
        settings.s3_endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        settings.s3_secret_access_key,
    )
    bucket, prefix = location
    # Working copies (for the checks and OCR, which need a path) stay on this machine.
    scratch = settings.data_dir / "work"
    return S3Store(client, bucket, prefix, keys, scratch, part_bytes=settings.s3_part_mib << 20)


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
            ping_after_idle_s=settings.db_ping_after_idle_s,
            parallel_workers=settings.db_parallel_workers,
        ),
        files=file_store(settings),
        passwords=Passwords(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        ),
        queues=NoQueues(),
    )
    if broker:
        # Imported here: the actors bring the checks and OCR (numpy, PDF readers: half a
        # second), which a command that wakes no worker (a roster import) need not load.
        from workers.actors import declare_actors
        from workers.broker import make_broker
        from workers.queues import BrokerQueues

        dramatiq_broker = make_broker(settings)
        rt.queues = BrokerQueues(dramatiq_broker, declare_actors(dramatiq_broker, rt))
    return rt
