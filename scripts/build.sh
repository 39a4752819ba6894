#!/usr/bin/env bash
# Builds the lab: the release wasm into www/pkg (wasm-bindgen, then shrunk by
# binaryen's wasm-opt from node_modules) and the native failure-lab binary.
# Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

echo "build: wasm (release)"
cargo build --release --lib --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir www/pkg --no-typescript \
    target/wasm32-unknown-unknown/release/failure_lab.wasm

# npm's binaryen, never Debian's /usr/bin/wasm-opt (binaryen 108), whose
# output crashes Chromium. The features are those rustc emits for wasm32.
echo "build: wasm-opt"
wasm=www/pkg/failure_lab_bg.wasm
node_modules/.bin/wasm-opt -O2 \
    --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    --enable-multivalue \
    "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
echo "build: $wasm is $(wc -c < "$wasm") bytes"

echo "build: native failure-lab (release)"
cargo build --release --bin failure-lab
