// Issue 11, long runs in the page: a live run trained flat out well past the
// warm-up (the run's history, 32,768 points a metric, filled and thinning),
// its memory read at intervals: the page's JS heap after a collection (CDP),
// the page's wasm memory (the LiveView copy) and the training worker's (the
// run). Fails when they grew by more than BOUND_MB after the warm-up.
// SOAK_STEPS=1000000 node --test tests/e2e/soak.test.mjs runs the long one.

import assert from 'node:assert/strict';
import test from 'node:test';
import { assertClean, readyLab } from './actions.mjs';

const STEPS = Number(process.env.SOAK_STEPS || 100_000);
const WARMUP = Math.min(40_000, STEPS / 2);
const BOUND_MB = 4;
const mb = (b) => b / 1_048_576;

test(`the page's memory is flat after the warm-up over ${STEPS.toLocaleString('en')} live steps`, { timeout: Math.max(600_000, STEPS * 20) }, async (t) => {
  const lab = await readyLab(t, '/#speed=2000&autopause=false&hidden=8');
  const { page } = lab;
  const cdp = await page.context().newCDPSession(page);
  const pkg = new URL('/pkg/failure_lab.js', page.url()).href;
  const wasmBytes = (url) => import(url).then((m) => m.default()).then((w) => w.memory.buffer.byteLength);
  const sample = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const pageWasm = await page.evaluate(wasmBytes, pkg);
    const worker = page.workers().find((w) => w.url().endsWith('/train-worker.js'));
    const workerWasm = await worker.evaluate(wasmBytes, pkg);
    const step = await page.$eval('#status', (s) => Number(s.dataset.step));
    return { step, heap, pageWasm, workerWasm, total: heap + pageWasm + workerWasm };
  };
  await page.click('#start');
  const samples = [];
  const every = Math.max(10_000, Math.round(STEPS / 10));
  for (let at = WARMUP; ; at = Math.min(at + every, STEPS)) {
    await page.waitForFunction((n) => Number(document.querySelector('#status').dataset.step) >= n
      || document.querySelector('#status').dataset.state !== 'running', at, { timeout: STEPS * 20, polling: 500 });
    assert.equal(await page.$eval('#status', (s) => s.dataset.state), 'running', 'still training');
    samples.push(await sample());
    if (at >= STEPS) break;
  }
  await page.click('#pause');
  console.log(`page soak (step: JS heap + page wasm + worker wasm, MB): ${samples.map((s) => `${s.step}: ${mb(s.heap).toFixed(1)} + ${mb(s.pageWasm).toFixed(1)} + ${mb(s.workerWasm).toFixed(1)}`).join('; ')}`);
  const grew = mb(samples.at(-1).total - samples[0].total);
  assert.ok(grew <= BOUND_MB, `memory grew by ${grew.toFixed(2)} MB after the warm-up (bound ${BOUND_MB} MB)`);
  assertClean(lab);
});
