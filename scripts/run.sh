#!/usr/bin/env bash
# Command 1 of the README: install what is needed and run the whole system on the embedded
# default (SQLite, files and emails under ./data, in-process workers) at http://localhost:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/familybook demo
exec .venv/bin/familybook serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
