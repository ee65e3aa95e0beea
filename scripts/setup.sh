#!/usr/bin/env bash
# Install everything Familybook needs on Debian (system packages and the Python virtualenv).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# tesseract with the Traditional Chinese model (OCR), libmagic (real file types), a CJK font
# (the tests draw Chinese documents), and Python's venv; chromium for the reviewer console's
# browser tests (Playwright drives Debian's browser: its own download needs the internet).
PACKAGES=(tesseract-ocr tesseract-ocr-chi-tra libmagic1 fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-uming fonts-cwtex-ming python3-venv python3-pip chromium)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.familybook-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
