#!/usr/bin/env bash
# Installs what building the lab needs, skipping what is already there:
# the wasm32 Rust target, wasm-bindgen-cli at the version Cargo.lock pins,
# and the npm packages of package-lock.json (binaryen's wasm-opt, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

echo "setup: rust target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate exactly, or it refuses the .wasm.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want" ] || { echo "setup: no wasm-bindgen package in Cargo.lock" >&2; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
echo "setup: wasm-bindgen-cli $want (found: ${have:-none})"
if [ "$have" != "$want" ]; then
    cargo install wasm-bindgen-cli --version "=$want"
fi

echo "setup: npm packages (npm ci)"
npm ci --no-audit --no-fund
