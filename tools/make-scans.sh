#!/usr/bin/env bash
# Runs tools/make_scans.py with what it needs: Pillow and the WenQuanYi Zen Hei font, and with --office or
# --capture the AR PL UMing and UKai fonts the values are printed in. Installs them when they are missing
# (Debian packages python3-pil, fonts-wqy-zenhei, fonts-arphic-uming, fonts-arphic-ukai through
# scripts/install-deps.sh, which runs apt-get update first, so as root; pip as a last resort for Pillow),
# then passes every argument on. Used by `formflow bench`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
font=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

has_pillow() { "$1" -c 'import PIL.Image, PIL.ImageFont' >/dev/null 2>&1; }

python=""
# The first python3 on PATH may be a pyenv or venv interpreter that does not see Debian's python3-pil.
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && has_pillow "$candidate"; then python="$candidate"; break; fi
done
needs=()
[ -n "$python" ] || needs+=(python3 python3-pil)
[ -f "$font" ] || needs+=(fonts-wqy-zenhei)
for arg in "$@"; do
  case "$arg" in
    --office|--capture|--capture=*)
      [ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || needs+=(fonts-arphic-uming)
      [ -f /usr/share/fonts/truetype/arphic/ukai.ttc ] || needs+=(fonts-arphic-ukai)
      break ;;
  esac
done
if ((${#needs[@]})); then
  "$here/../scripts/install-deps.sh" "${needs[@]}" || {
    echo "make-scans: could not install ${needs[*]}; install them (Debian) or: pip install pillow" >&2
    exit 1
  }
fi
if [ -z "$python" ]; then
  if has_pillow /usr/bin/python3; then
    python=/usr/bin/python3
  elif python3 -m pip install --quiet pillow >/dev/null 2>&1 && has_pillow python3; then
    python=python3
  else
    echo "make-scans: no python3 with Pillow found; run: pip install pillow" >&2
    exit 1
  fi
fi
exec "$python" "$here/make_scans.py" "$@"
