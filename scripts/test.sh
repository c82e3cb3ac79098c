#!/usr/bin/env bash
# Sets up FormFlow and runs its tests: unit tests, OCR integration tests on SampleDocs, the PostgreSQL
# tests (a private cluster), then the operator review in a real browser (Playwright + Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium postgresql  # a test renders the batch report in headless Chromium; the PostgreSQL tests start a private cluster
# Tesseract's OpenMP runtime reads this before main; the test process cannot set it itself.
export OMP_THREAD_LIMIT=1
swift test
scripts/browser-test.sh
