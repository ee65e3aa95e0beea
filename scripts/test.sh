#!/usr/bin/env bash
# Command 2 of the README: install what is needed, make sure PostgreSQL and Redis run, then run
# the whole suite twice, side by side: on the embedded default (SQLite + in-process broker) and
# on PostgreSQL + Redis (they share nothing: each has its own data dir, mail server and broker).
# Extra arguments go to pytest (e.g. -k end_to_end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh

# Lint: style, formatting, and the layers importing only downwards (pyproject.toml).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache
logs=$(mktemp -d)
declare -A pids
for backend in embedded production; do
  FAMILYBOOK_TEST_BACKEND=$backend .venv/bin/python -m pytest -p no:cacheprovider "$@" \
    > "$logs/$backend.log" 2>&1 &
  pids[$backend]=$!
done
status=0
for backend in embedded production; do
  code=0
  wait "${pids[$backend]}" || code=$?
  echo "=== tests on the ${backend} backend (exit ${code}) ==="
  cat "$logs/$backend.log"
  [ "$code" -eq 0 ] || status=$code
done
rm -rf "$logs"
exit $status
