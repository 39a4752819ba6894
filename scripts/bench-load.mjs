// First load and heap, in headless Chromium on localhost (issue 9's budgets:
// first load under 120 KB gzip, first chart under 150 ms after navigation,
// heap after 1,000,000 live steps under 64 MB). Needs `bash scripts/build.sh`
// first; starts the server like the end-to-end tests.
//
//   node scripts/bench-load.mjs [live steps for the heap, 0 to skip] [loads]
//
// 1. First load: every file the page (and its training worker) fetched
//    before the first chart was drawn (each URL once), raw and gzip (gzip
//    -9 of each file, as a compressing host would send it; `failure-lab
//    serve` itself does not compress), and the time from navigation to the end of the first chart
//    drawn (performance.measure 'lab:draw'), best and median of `loads`
//    fresh browsers (default 5). The files loaded on first use (the full
//    wasm for the Evaluate panel and the importer) are listed too.
// 2. Heap: the live run trained flat out (the default network, speed 2000)
//    to `steps` steps (default 1,000,000), then the page's JS heap (CDP
//    Runtime.getHeapUsage), the wasm memory of the page (LiveView's copy)
//    and of the training worker (the run and its history).

import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { openLab, ROOT, waitReady } from '../tests/e2e/helpers.mjs';

const steps = Number(process.argv[2] ?? 1_000_000);
const loads = Number(process.argv[3] || 5);
if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(loads) || loads < 1) {
  console.error('usage: node scripts/bench-load.mjs [live steps >= 0] [loads >= 1]');
  process.exit(2);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n) => `${(n / 2 ** 20).toFixed(1)} MB`;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** One fresh load: the files fetched before the first chart and the time to it. */
async function firstLoad() {
  const lab = await openLab('/');
  try {
    const { page } = lab;
    await page.waitForFunction(() => performance.getEntriesByName('lab:draw').length > 0, null, { timeout: 20_000 });
    const ms = await page.evaluate(() => {
      const d = performance.getEntriesByName('lab:draw')[0];
      return d.startTime + d.duration;
    });
    // What had been requested when the first chart was drawn (by URL).
    const urls = [...new Set(lab.requests)];
    await waitReady(lab);
    await new Promise((r) => setTimeout(r, 200));
    const files = urls.map((u) => {
      const path = new URL(u).pathname;
      const body = readFileSync(`${ROOT}www${path === '/' ? '/index.html' : path}`);
      return { path, raw: body.length, gzip: gz(body) };
    });
    return { ms, files };
  } finally {
    await lab.close();
  }
}

const cpu = os.cpus()[0]?.model?.trim() || 'unknown CPU';
console.log(`first-load and heap benchmark, ${new Date().toISOString().slice(0, 10)}`);
console.log(`  machine: ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

const rounds = [];
for (let i = 0; i < loads; i++) rounds.push(await firstLoad());
const times = rounds.map((r) => r.ms).sort((a, b) => a - b);
const { files } = rounds[0];
console.log(`1. first load: ${files.length} files before the first chart`);
for (const f of files.sort((a, b) => b.gzip - a.gzip)) {
  console.log(`  ${f.path.padEnd(34)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip`);
}
const sum = (k) => files.reduce((n, f) => n + f[k], 0);
console.log(`  ${'total'.padEnd(34)} ${kb(sum('raw')).padStart(10)} raw ${kb(sum('gzip')).padStart(10)} gzip`);
console.log(`  navigation to first chart drawn: best ${times[0].toFixed(0)} ms, median ${times[Math.floor(times.length / 2)].toFixed(0)} ms (${loads} loads: ${times.map((t) => t.toFixed(0)).join(', ')})`);
const lazy = readdirSync(`${ROOT}www/pkg-full`).filter((f) => /\.(js|wasm)$/.test(f))
  .map((f) => ({ path: `/pkg-full/${f}`, body: readFileSync(`${ROOT}www/pkg-full/${f}`) }));
for (const f of ['eval.js', 'eval.css', 'importer.js', 'eval-worker.js']) lazy.push({ path: `/${f}`, body: readFileSync(`${ROOT}www/${f}`) });
const lazyGz = lazy.reduce((n, f) => n + gz(f.body), 0);
console.log(`  on first use (Evaluate panel, importer): ${lazy.map((f) => f.path).join(', ')}: ${kb(lazy.reduce((n, f) => n + f.body.length, 0))} raw, ${kb(lazyGz)} gzip`);

if (steps > 0) {
  const lab = await openLab('/#speed=2000&autopause=false');
  try {
    const { page } = lab;
    await page.setViewportSize({ width: 1280, height: 720 });
    await waitReady(lab);
    const t0 = Date.now();
    await page.click('#start');
    await page.waitForFunction((n) => Number(document.querySelector('#status').dataset.step) >= n, steps, { timeout: 3_600_000, polling: 1000 });
    await page.click('#pause');
    const seconds = (Date.now() - t0) / 1000;
    const at = await page.$eval('#status', (s) => Number(s.dataset.step));
    await new Promise((r) => setTimeout(r, 500));
    const pkg = new URL('/pkg/failure_lab.js', page.url()).href;
    // wasm-bindgen's init returns the instance already made, with its memory.
    const wasmBytes = (url) => import(url).then((m) => m.default()).then((w) => w.memory.buffer.byteLength);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const pageWasm = await page.evaluate(wasmBytes, pkg);
    const worker = page.workers().find((w) => w.url().endsWith('/train-worker.js'));
    const workerWasm = worker ? await worker.evaluate(wasmBytes, pkg) : NaN;
    const total = heap.usedSize + pageWasm + workerWasm;
    console.log(`2. heap after ${at.toLocaleString('en')} live steps (trained in ${seconds.toFixed(0)} s, default network)`);
    console.log(`  page JS heap used ${mb(heap.usedSize)} (of ${mb(heap.totalSize)})`);
    console.log(`  page wasm memory (LiveView) ${mb(pageWasm)}`);
    console.log(`  worker wasm memory (the run) ${mb(workerWasm)}`);
    console.log(`  total ${mb(total)} (goal under 64 MB)`);
    if (lab.errors.length) throw new Error(lab.errors.join('\n'));
  } finally {
    await lab.close();
  }
}
