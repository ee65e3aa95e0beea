"""The review API as `bench_review.py` serves it, for `uvicorn --factory --workers N`: each
worker process calls `app()` and builds its own runtime from the environment (FAMILYBOOK_*),
as `familybook serve --apis review` does, but without the broker (no review operation wakes a
worker) and without the embedded worker pool (its polling would be counted as API CPU)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi import FastAPI

from core.logs import configure_logging
from core.settings import get_settings
from familybook.app import create_app
from familybook.bootstrap import build_runtime


def app() -> FastAPI:
    settings = get_settings()
    # Our access line per request, as in production (it costs CPU too); to the server's log.
    configure_logging(settings.log_format)
    return create_app(build_runtime(settings, broker=False), run_workers=False, apis="review")
