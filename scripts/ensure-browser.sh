#!/usr/bin/env bash
# Make sure a headless browser and a CJK font are available for the report reader tests (tests/report/test_browser.py).
# Installs Debian's `chromium`, `fonts-noto-cjk` and `fonts-noto-color-emoji` with apt-get when they are missing and we are root;
# otherwise prints what to do and exits 0 (the browser test then skips with a clear reason).
set -u

need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  need+=(fonts-noto-cjk)
fi
# Titles and comments carry emoji; without an emoji font Chromium draws boxes for them.
if ! fc-list 2>/dev/null | grep -qi "Noto Color Emoji"; then
  need+=(fonts-noto-color-emoji)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "ensure-browser: chromium and a CJK font are already installed."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-browser: missing ${need[*]}; run as root (or: sudo apt-get install -y ${need[*]})."
  echo "ensure-browser: the browser test will be skipped until then."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: missing ${need[*]} and no apt-get here; install Chromium and a Noto CJK font by hand."
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-browser: installing ${need[*]} …"
if apt-get install -y --no-install-recommends "${need[@]}" >/tmp/ensure-browser.log 2>&1 \
   || { apt-get update >>/tmp/ensure-browser.log 2>&1 && apt-get install -y --no-install-recommends "${need[@]}" >>/tmp/ensure-browser.log 2>&1; }; then
  fc-cache -f >/dev/null 2>&1 || true
  echo "ensure-browser: installed ${need[*]}."
else
  echo "ensure-browser: apt-get could not install ${need[*]} (log: /tmp/ensure-browser.log); the browser test will skip."
fi
exit 0
