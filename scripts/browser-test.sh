#!/usr/bin/env bash
# The browser test of `formflow serve`: Playwright for Python, in a virtual environment, drives Debian's
# chromium (never a browser Playwright downloads: there is no `playwright install`). Screenshots of the
# queue, a document page and the audit view, and the keyboard-path counts, are kept in
# $FORMFLOW_ARTEFACTS (default .build-artefacts/browser).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium
venv=.build/browser-venv
if ! "$venv/bin/python" -c "import playwright, pytest" 2>/dev/null; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    scripts/install-deps.sh python3-venv
    /usr/bin/python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "playwright==1.65.2" "pytest==9.2.0"
fi
swift build --product formflow
FORMFLOW_BIN="$(swift build --show-bin-path)/formflow"
export FORMFLOW_BIN OMP_THREAD_LIMIT=1
export FORMFLOW_ARTEFACTS="${FORMFLOW_ARTEFACTS:-$PWD/.build-artefacts/browser}"
"$venv/bin/python" -m pytest -q -s Tests/Browser
echo "browser test artefacts (screenshots, keyboard-path.json): $FORMFLOW_ARTEFACTS"
