"""The process's shared parts (settings, database, file store), built once from the settings."""

from dataclasses import dataclass
from functools import lru_cache

from familybook.settings import Settings, get_settings
from storage.db import Database
from storage.files import FileStore


@dataclass
class Runtime:
    settings: Settings
    db: Database
    files: FileStore


@lru_cache
def get_runtime() -> Runtime:
    settings = get_settings()
    return Runtime(settings, Database(settings), FileStore(settings.files_dir))


def reset_runtime() -> None:
    """Forget the cached parts (tests change the environment between runs)."""
    if get_runtime.cache_info().currsize:
        get_runtime().db.dispose()
    get_runtime.cache_clear()
    get_settings.cache_clear()
