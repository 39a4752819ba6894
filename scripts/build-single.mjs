// The one-file build: dist/failure-lab.html, the lab in one self-contained
// HTML file that works opened from disk (file://), with no server and no
// request. Run by scripts/build-single.sh after scripts/build.sh.
//
// - The page's module graph (www/main.js and its imports) is bundled by
//   esbuild into one inline module script; the training worker
//   (www/train-worker.js) into one classic script, inlined as a string and
//   started from a Blob URL (a worker cannot load from a file URL).
// - The lean wasm (www/pkg) is inlined as base64 in a non-executed script
//   element, compiled once by the page and handed to the worker as a
//   WebAssembly.Module by message.
// - Left out: the Evaluate panel and the log importer (they need
//   www/pkg-full, 920 KB more); their tab and drop zone are hidden, and a
//   dropped file says the one-file build has no importer.
// - The CSP allows only the inline script and style by their hashes, wasm,
//   and blob: workers: nothing can be fetched.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WWW = path.join(ROOT, 'www');
const OUT = path.join(ROOT, 'dist', 'failure-lab.html');
const GLUE = path.join(WWW, 'pkg', 'failure_lab.js');
const WASM = path.join(WWW, 'pkg', 'failure_lab_bg.wasm');

const read = (f) => readFileSync(f, 'utf8');
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** wasm-bindgen's glue, whose default export starts from the module in globalThis.__labWasm (a promise). */
function glue() {
  const source = read(GLUE);
  const tail = 'export { initSync, __wbg_init as default };';
  if (!source.includes(tail)) throw new Error(`${GLUE}: its last line is not "${tail}": wasm-bindgen changed?`);
  return source.replace(tail, 'export { initSync };\n'
    + 'export default async function init() { return __wbg_init({ module_or_path: await globalThis.__labWasm }); }');
}

/** Modules of the served lab that the one-file build leaves out: importing one fails with this message. */
const LEFT_OUT = {
  'pkg-full/failure_lab.js': 'the full wasm (Evaluate panel, importer)',
  'importer.js': 'the log importer',
  'eval.js': 'the Evaluate panel',
};

/** Replaces modules of www/ by path (relative to www/) with other source. */
function replace(modules) {
  return {
    name: 'failure-lab-single',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        const rel = path.relative(WWW, args.path).split(path.sep).join('/');
        if (rel in modules) return { contents: modules[rel](), loader: 'js', resolveDir: path.dirname(args.path) };
        if (rel in LEFT_OUT) {
          return { contents: `throw new Error('the one-file build leaves out ${LEFT_OUT[rel]}: use the served lab (bash scripts/lab.sh)');`, loader: 'js' };
        }
        return undefined;
      });
    },
  };
}

async function bundle(entry, format, modules, banner) {
  const result = await esbuild.build({
    entryPoints: [path.join(WWW, entry)],
    bundle: true,
    format,
    write: false,
    minify: true,
    legalComments: 'none',
    target: 'chrome110',
    banner: { js: banner },
    plugins: [replace(modules)],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

// The worker: it waits for {type: 'lab-wasm', module} before its wasm starts
// (its other messages wait for that, as they wait for init in train-worker.js).
const workerBanner = `(() => {
  let got;
  globalThis.__labWasm = new Promise((resolve) => { got = resolve; });
  self.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'lab-wasm') { e.stopImmediatePropagation(); got(e.data.module); }
  });
})();`;
const worker = await bundle('train-worker.js', 'iife', { 'pkg/failure_lab.js': glue }, workerBanner);

// The page: compiles the inlined wasm once, for itself and the worker.
const pageBanner = `globalThis.__labWasm = (() => {
  const text = document.getElementById('lab-wasm').textContent.trim();
  const bytes = Uint8Array.fromBase64 ? Uint8Array.fromBase64(text) : Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return WebAssembly.compile(bytes);
})();`;
const spawn = () => `
const SOURCE = ${JSON.stringify(worker)};
let url = null;
export function trainWorker() {
  url ??= URL.createObjectURL(new Blob([SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  globalThis.__labWasm.then((module) => worker.postMessage({ type: 'lab-wasm', module }));
  return worker;
}`;
let page = await bundle('main.js', 'esm', {
  'pkg/failure_lab.js': glue,
  'build-info.js': () => 'export const SINGLE = true;',
  'spawn.js': spawn,
}, pageBanner);
// An inline script ends at the first "</script": none may appear inside it.
page = page.replace(/<\/script/gi, '<\\/script');

const css = ['style.css', 'stage.css'].map((f) => read(path.join(WWW, f))).join('\n');
const wasm = readFileSync(WASM).toString('base64');
const icon = `data:image/svg+xml;base64,${readFileSync(path.join(WWW, 'favicon.svg')).toString('base64')}`;

const csp = [
  "default-src 'none'",
  `script-src ${sha256(page)} 'wasm-unsafe-eval'`,
  `style-src ${sha256(css)}`,
  'img-src data: blob:',
  'worker-src blob:',
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let html = read(path.join(WWW, 'index.html'));
const swap = (pattern, replacement) => {
  if (!pattern.test(html)) throw new Error(`index.html: ${pattern} not found`);
  html = html.replace(pattern, replacement);
};
swap(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
swap(/<link rel="icon"[^>]*>/, `<link rel="icon" href="${icon}" type="image/svg+xml">`);
html = html.replace(/\s*<link rel="stylesheet"[^>]*>/g, '')
  .replace(/\s*<link rel="(?:preload|modulepreload)"[^>]*>/g, '')
  .replace(/\s*<!-- Fetched at once[^>]*-->/, '')
  .replace(/\s*<script type="module" src="[^"]*"><\/script>/g, '');
// The page's own markup names nothing to fetch (the scripts are checked by the browser test).
if (/(?:src|href)="(?!data:)[^"#]/.test(html)) throw new Error('the one-file page still names a file to fetch');
swap(/<\/head>/, () => `  <style>${css}</style>\n</head>`);
swap(/<\/body>/, () => `<script type="application/octet-stream" id="lab-wasm">${wasm}</script>\n`
  + `<script type="module">${page}</script>\n</body>`);

mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, html);
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(`build-single: ${path.relative(ROOT, OUT)} is ${kb(statSync(OUT).size)} (${kb(gzipSync(html).length)} gzip): `
  + `wasm ${kb(wasm.length)} base64, page script ${kb(page.length)}, worker ${kb(worker.length)}, CSS ${kb(css.length)}`);
