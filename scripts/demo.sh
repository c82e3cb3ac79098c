#!/usr/bin/env bash
# Sets up FormFlow and runs the main job on a copy of SampleDocs. Prints where the results are.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product formflow
work="$(mktemp -d /tmp/formflow-demo.XXXXXX)"
mkdir -p "$work/inbox"
# The scans only: truth files are for scoring, not part of an inbox.
find SampleDocs -maxdepth 1 -type f ! -name '*.json' ! -name '*.md' -exec cp {} "$work/inbox/" \;
.build/release/formflow run --inbox "$work/inbox" --out "$work/out" --quiet
echo "Records: $work/out/{accepted,exceptions,quarantine}/*.json"
