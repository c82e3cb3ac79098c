#!/usr/bin/env bash
# Sets up FormFlow and runs its tests (unit tests, and OCR integration tests on SampleDocs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium  # the batch report is rendered in headless Chromium by a test
# Tesseract's OpenMP runtime reads this before main; the test process cannot set it itself.
export OMP_THREAD_LIMIT=1
swift test
