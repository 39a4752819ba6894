#!/usr/bin/env bash
# One command to the lab: install what is missing, build, and serve www/ on
# http://127.0.0.1:${PORT:-8000}/ until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec target/release/failure-lab serve --port "${PORT:-8000}"
