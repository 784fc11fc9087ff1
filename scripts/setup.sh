#!/usr/bin/env bash
# Set up tenderlens on a fresh Debian machine: system packages (as root), then a
# virtual environment in .venv with tenderlens and its pinned dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: catdoc (.doc files), libmagic (format sniffing), Tesseract
# with Chinese and English data (OCR), ICU and a compiler (PyICU, which followthemoney needs, is
# built from source), Chromium and a CJK font (browser tests of the web app).
APT_PACKAGES="catdoc libmagic1 tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng tesseract-ocr-osd"
APT_PACKAGES="$APT_PACKAGES libicu-dev pkg-config g++ python3-dev"
if [ "${TENDERLENS_BROWSER_TESTS:-1}" = "1" ]; then
  APT_PACKAGES="$APT_PACKAGES chromium fonts-wqy-zenhei"
  # npm fetches axe-core; Debian's npm conflicts with a Node.js installed from elsewhere, so only when missing.
  command -v npm >/dev/null || APT_PACKAGES="$APT_PACKAGES npm"
fi
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "tenderlens: please install these Debian packages:$missing" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[test]"
# PP-OCR (Chinese pages), models inside the wheel. --no-deps: it names opencv-python, whose GUI
# build needs libGL; pyproject.toml installs its dependencies with opencv-python-headless instead.
.venv/bin/pip install -q --disable-pip-version-check --no-deps rapidocr-onnxruntime==1.4.4

# axe-core, the accessibility checker the browser tests inject into every page (read from .cache, offline).
AXE_VERSION=4.14.1
if [ "${TENDERLENS_BROWSER_TESTS:-1}" = "1" ] && [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  npm install --silent --no-save --no-audit --no-fund --prefix .cache/axe "axe-core@$AXE_VERSION"
fi
