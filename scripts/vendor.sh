#!/usr/bin/env bash
# Vendors the "Your detectors" place's third-party code into www/vendor/
# (build output, not committed; scripts/build.sh runs this), from the npm
# devDependencies, so that the page never loads anything from another origin:
# - www/vendor/codemirror.js: CodeMirror 6 (scripts/codemirror-entry.mjs)
#   bundled by esbuild into one ES module;
# - www/vendor/pyodide/: the Pyodide interpreter and its standard library,
#   the files loadPyodide() fetches (no packages: no numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/pyodide ] && [ -x node_modules/.bin/esbuild ] || {
    echo "vendor: node_modules is missing pyodide or esbuild: run scripts/setup.sh (npm ci)" >&2
    exit 1
}
mkdir -p www/vendor/pyodide
node_modules/.bin/esbuild scripts/codemirror-entry.mjs --bundle --format=esm --minify \
    --target=es2020 --legal-comments=none --log-level=warning --outfile=www/vendor/codemirror.js
for f in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json; do
    cp -p "node_modules/pyodide/$f" "www/vendor/pyodide/$f"
done
echo "vendor: www/vendor/codemirror.js $(wc -c < www/vendor/codemirror.js) bytes;" \
    "www/vendor/pyodide/ $(du -sk www/vendor/pyodide | cut -f1) KB (pyodide $(node -p 'require("./node_modules/pyodide/package.json").version'))"
