#!/usr/bin/env bash
# Every test of the lab: native `cargo test`, the wasm-bindgen-test suite in
# headless Chromium, then a release build, the one-file build, and the end-to-end tests in
# tests/e2e/. Installs what is missing first. Stops at the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

logs=target/test-logs
stage=setup
trap 'status=$?; [ $status -eq 0 ] || echo "test.sh: stage \"$stage\" FAILED (exit $status)"' EXIT

# run NAME CMD...: runs one stage, its output kept in $logs/NAME.log for the summary.
run() {
    stage=$1
    shift
    echo
    echo "==> test.sh: $stage: $*"
    "$@" 2>&1 | tee "$logs/$stage.log"
}

echo "==> test.sh: setup"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt-get update
    apt-get install -y chromium chromium-driver
fi
bash scripts/setup.sh
mkdir -p "$logs"
rm -f "$logs"/*.log

run native cargo test --all-targets
run wasm env CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test --target wasm32-unknown-unknown --test web
run build bash scripts/build.sh
# The one-file build for tests/e2e/single.test.mjs (under a second).
run single bash scripts/build-single.sh
run e2e node --test --test-reporter=spec tests/e2e/

# Adds up the counts of cargo's "test result:" lines and node's "pass N"/"fail N".
cat "$logs"/*.log | awk '
    /^test result:/          { passed += $4; failed += $6 }
    /^(ℹ|#) pass [0-9]+$/    { passed += $NF }
    /^(ℹ|#) fail [0-9]+$/    { failed += $NF }
    END { print "test.sh: all stages passed"; printf "tests: %d passed, %d failed\n", passed, failed }'
