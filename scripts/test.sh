#!/usr/bin/env bash
# Run the test suite. Tests read real documents from ../shared/eval beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest -q "$@"
