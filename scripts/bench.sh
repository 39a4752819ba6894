#!/usr/bin/env bash
# Every benchmark of the lab, with the figures the README quotes:
# training speed natively and in Chromium, the detectors' share of a step,
# live training in the page (examples/s, frame rate), first load and heap,
# log import, chart
# frame time, and the evaluation suite's wall time.
# Installs and builds what is missing first (scripts/setup.sh, build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
bin=target/release/failure-lab

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== training (native)"
"$bin" bench-train
echo "== training (Chromium)"
node scripts/bench-browser.mjs
echo "== log import (native)"
"$bin" bench-import
echo "== live training in the page (Chromium: training worker, four charts)"
node scripts/bench-live.mjs
echo "== first load and heap after 1,000,000 live steps (Chromium)"
node scripts/bench-load.mjs
if [ -f scripts/bench-frame.mjs ]; then
    echo "== chart frame time (Chromium)"
    node scripts/bench-frame.mjs
fi
echo "== evaluation suite (native, all cases, 20 seeds)"
start=$(date +%s%N)
"$bin" eval --format json >/dev/null
echo "  wall time $(( ($(date +%s%N) - start) / 1000000 )) ms"
