#!/usr/bin/env bash
# Installs the system packages FormFlow needs (Debian; run as root). Idempotent: when everything is
# present it does nothing and needs no network.
set -euo pipefail
# FormFlow itself, then whatever the caller adds (scripts/test.sh adds a browser for the report test).
packages=(pkg-config libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-chi-sim libsqlite3-dev zlib1g-dev poppler-utils "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "formflow: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "formflow: installing system packages needs root (run as root, or: sudo $0)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The second OCR model (an independent reader for names and unknown suppliers), unless this is a nested
# call that only adds a system package.
if [ $# -eq 0 ] || [ "${1:-}" != python3-venv ]; then
  "$(dirname "$0")/install-second-model.sh"
fi
