#!/usr/bin/env bash
# The one-file build: dist/failure-lab.html, the lab in one self-contained
# HTML file (CSS, JS and the lean wasm inlined) that works opened from disk,
# with no server and no request (scripts/build-single.mjs says how).
# Builds the wasm first when www/pkg is missing (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f www/pkg/failure_lab_bg.wasm ] || [ ! -f www/pkg/failure_lab.js ]; then
    bash scripts/build.sh
fi
[ -x node_modules/.bin/esbuild ] || npm ci --no-audit --no-fund
node scripts/build-single.mjs
