#!/usr/bin/env bash
# Command 2 of the README: install what is needed, make sure PostgreSQL and Redis run, then run
# the whole suite twice: on the embedded default (SQLite + in-process broker) and on
# PostgreSQL + Redis. Extra arguments go to pytest (e.g. -k end_to_end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh

# Lint: style, formatting, and the layers importing only downwards (pyproject.toml).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache
status=0
for backend in embedded production; do
  echo "=== tests on the ${backend} backend ==="
  FAMILYBOOK_TEST_BACKEND=$backend .venv/bin/python -m pytest -p no:cacheprovider "$@" || status=$?
done
exit $status
