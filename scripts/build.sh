#!/usr/bin/env bash
# Builds the lab: the release wasm twice (wasm-bindgen, then shrunk by
# binaryen's wasm-opt from node_modules) and the native failure-lab binary.
# - www/pkg/: the page's first load and the training worker: trainer,
#   detectors, the live run and chart drawing (no `eval`, no `import`);
# - www/pkg-full/: everything, loaded on first use by the Evaluate panel
#   (www/eval.js, www/eval-worker.js) and the log importer (www/importer.js).
# - www/vendor/: CodeMirror and Pyodide for the "Your detectors" place
#   (scripts/vendor.sh), loaded only when that place is opened.
# Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# wasm_pkg OUT [CARGO FLAGS...]: one release wasm build into www/OUT.
wasm_pkg() {
    local out=$1
    shift
    echo "build: wasm (release) -> www/$out $*"
    cargo build --release --lib --target wasm32-unknown-unknown "$@"
    wasm-bindgen --target web --out-dir "www/$out" --no-typescript \
        target/wasm32-unknown-unknown/release/failure_lab.wasm
    # npm's binaryen, never Debian's /usr/bin/wasm-opt (binaryen 108), whose
    # output crashes Chromium. The features are those rustc emits for wasm32.
    local wasm="www/$out/failure_lab_bg.wasm"
    node_modules/.bin/wasm-opt ${WASM_OPT:--O2} \
        --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types \
        --enable-multivalue \
        "$wasm" -o "$wasm.opt"
    mv "$wasm.opt" "$wasm"
    echo "build: $wasm is $(wc -c < "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) gzip"
}

bash scripts/vendor.sh

wasm_pkg pkg --no-default-features
wasm_pkg pkg-full

echo "build: native failure-lab (release)"
cargo build --release --bin failure-lab
