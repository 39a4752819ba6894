// The live run trains in a Web Worker: the page keeps drawing frames while
// it trains flat out, a pause acts within a short time, and a worker that
// crashes or stops answering is reported, not silent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLab, waitReady } from './helpers.mjs';
import { assertClean, readyLab } from './actions.mjs';

/** Animation frames over `ms` (and the longest gap between two), with the step before and after. */
const framesWhileTraining = (page, ms) => page.evaluate((span) => new Promise((resolve) => {
  const step = () => Number(document.querySelector('#status').dataset.step);
  const from = step();
  let n = 0;
  let longest = 0;
  const t0 = performance.now();
  let last = t0;
  const tick = (now) => {
    n += 1;
    longest = Math.max(longest, now - last);
    last = now;
    if (now - t0 < span) requestAnimationFrame(tick);
    else resolve({ frames: n, longest, from, to: step(), ms: now - t0 });
  };
  requestAnimationFrame(tick);
}), ms);

test('frames keep coming while the worker trains flat out, and a pause acts at once', async (t) => {
  const lab = await readyLab(t, '/#dataset=circles&hidden=8,8,8,8,8,8&activation=tanh&batch=10&speed=2000&autopause=false');
  const { page } = lab;
  await page.click('#start');
  await page.waitForFunction(() => Number(document.querySelector('#status').dataset.step) > 500);
  assert.ok(lab.requests.includes(`${lab.origin}/train-worker.js`), 'the run trains in the worker script');

  // Four one-second windows: the frame count rises in each, with no long
  // gap, and so does the step. The rate itself depends on the machine and
  // what else it runs (scripts/bench-live.mjs measures it); the floor only
  // says that frames never wait on training.
  const floor = 5;
  for (let quarter = 0; quarter < 4; quarter++) {
    const r = await framesWhileTraining(page, 1000);
    assert.ok(r.frames >= floor, `frames keep coming while training: ${r.frames} in ${r.ms.toFixed(0)} ms`);
    assert.ok(r.longest < 1000, `no frame waits on training (longest gap ${r.longest.toFixed(0)} ms)`);
    assert.ok(r.to > r.from, `training goes on meanwhile (${r.from} -> ${r.to})`);
  }
  assert.equal(await page.$eval('#status', (s) => s.dataset.state), 'running');

  const ms = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    document.querySelector('#pause').click();
    const wait = () => {
      if (document.querySelector('#status').dataset.state === 'paused') resolve(performance.now() - t0);
      else requestAnimationFrame(wait);
    };
    wait();
  }));
  // Not a speed test (scripts/bench-live.mjs measures the latency): the
  // pause reaches the worker and comes back while it trains flat out and
  // the page draws, on however loaded a machine.
  assert.ok(ms < 3000, `the pause acted in ${ms.toFixed(0)} ms`);
  const paused = await page.$eval('#status', (s) => Number(s.dataset.step));
  await page.waitForTimeout(300);
  assert.equal(await page.$eval('#status', (s) => Number(s.dataset.step)), paused, 'no step after the pause');
  assertClean(lab);
});

/** The lab, ready, with `script` served as its training worker. */
async function withWorker(t, script) {
  const lab = await openLab('/', {
    beforeGoto: (page) => page.route('**/train-worker.js', (route) => route.fulfill({ contentType: 'text/javascript', body: script })),
  });
  t.after(lab.close);
  await waitReady(lab);
  return lab;
}

test('a crashed training worker is reported with a message', async (t) => {
  const lab = await withWorker(t, 'throw new Error("boom");');
  await lab.page.waitForFunction(() => document.querySelector('#status').dataset.state === 'failed');
  assert.match(await lab.page.$eval('#status', (s) => s.textContent), /crashed/);
  assert.match(await lab.page.$eval('#notice-text', (n) => n.textContent), /training worker crashed/);
});

test('a training worker that stops answering is reported as stalled', async (t) => {
  const lab = await withWorker(t, 'self.onmessage = () => {};');
  await lab.page.click('#start');
  await lab.page.waitForFunction(() => /stalled/.test(document.querySelector('#notice-text').textContent), null, { timeout: 10_000 });
  assert.match(await lab.page.$eval('#status', (s) => s.textContent), /Stalled/);
  assert.deepEqual(lab.errors, [], 'no console error');
});
