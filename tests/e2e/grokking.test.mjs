// Capability emergence in the page (issue 10): the grokking preset (weight
// decay on modular arithmetic, the suite's case) loads with one click, opens
// its charts, shows the pairs view, and the early warnings fire before
// held-out accuracy passes 0.7. Prints the wall time from Start to that
// emergence (the README's figure; not a timed test).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import os from 'node:os';
import { assertClean, rankedFindings, readyLab } from './actions.mjs';

test('grokking: the preset, its charts and pairs view, warnings before held-out accuracy jumps', async (t) => {
  const lab = await readyLab(t, '/#autopause=false&speed=2000');
  const { page } = lab;

  await page.selectOption('#preset', 'grokking');
  await page.click('#preset-load');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('fault=grokking('));
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  assert.equal(await page.$eval('#set-dataset', (s) => s.value), 'modular');
  assert.equal(await page.$eval('#set-nTest', (s) => s.value), '0');
  const charts = decodeURIComponent(await page.evaluate(() => location.hash));
  assert.match(charts, /charts=loss,val_loss,val_acc,probe_diff/);

  // Train until held-out accuracy passes 0.7 (seed 1: step 910).
  const t0 = Date.now();
  await page.click('#start');
  const emerged = await page.waitForFunction(() => {
    const s = document.querySelector('#status');
    if (s.dataset.state !== 'running') return { stopped: s.dataset.state };
    return Number(s.dataset.step) >= 1000 ? { step: Number(s.dataset.step) } : null;
  }, null, { timeout: 180_000, polling: 100 }).then((h) => h.jsonValue());
  const seconds = (Date.now() - t0) / 1000;
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  await page.waitForFunction(() => ['paused', 'failed'].includes(document.querySelector('#status').dataset.state));
  assert.ok(emerged.step >= 1000, `trained to step 1000: ${JSON.stringify(emerged)}`);
  console.log(`grokking: step 1000 (held-out accuracy passes 0.7 at 910 on seed 1) ${seconds.toFixed(1)} s after Start at speed 2000, load ${os.loadavg()[0].toFixed(1)}`);

  // The view is the pairs table, most held-out pairs right by now.
  await page.waitForFunction(() => document.querySelector('#view-panel')?.dataset.learner === 'modular');
  assert.match(await page.$eval('#view-title', (e) => e.textContent), /every pair/);

  // The warnings, before the jump.
  const ranked = await rankedFindings(page);
  for (const id of ['held_out_turn', 'capability_overhang', 'capability_spike']) {
    const f = ranked.find((x) => x.detector === id);
    assert.ok(f, `${id} fired: ${JSON.stringify(ranked)}`);
    assert.ok(f.step < 910, `${id} before held-out accuracy passed 0.7: ${f.step}`);
  }
  assertClean(lab);
});
