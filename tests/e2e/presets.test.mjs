// Presets: one click loads a fault exactly as the evaluation suite grades
// it (learner, settings, seed, fault). A clean run of each learner at the
// page's defaults stays quiet.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, readyLab } from './actions.mjs';

/** Loads preset `id` through the picker; resolves once the live run is rebuilt. */
async function loadPreset(page, id) {
  await page.selectOption('#preset', id);
  await page.click('#preset-load');
  await page.waitForFunction((want) => decodeURIComponent(location.hash).includes(`fault=${want}(`), id);
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
}

test('each preset loads its suite case: the page runs the very config the suite grades', async (t) => {
  const lab = await readyLab(t, '/');
  const { page } = lab;
  const ids = await page.evaluate(async () => (await import('./pkg/failure_lab.js')).presets().map((p) => p.id));
  assert.ok(ids.length >= 13, `${ids.length} presets`);
  for (const id of ids) {
    await loadPreset(page, id);
    const same = await page.evaluate(async (want) => {
      const { Lab, presets } = await import('./pkg/failure_lab.js');
      const { fromHash, runConfig } = await import('./state.js');
      const preset = presets().find((p) => p.id === want);
      const { state, errors } = fromHash(location.hash);
      const run = new Lab(runConfig(state));
      const got = run.config();
      run.free();
      return { errors, got: JSON.stringify(got), want: JSON.stringify(preset.config) };
    }, id);
    assert.deepEqual(same.errors, [], `${id}: the hash reads back`);
    assert.equal(same.got, same.want, `${id}: the page's run config is the suite case's`);
  }
  assertClean(lab);
});

for (const learner of ['classifier', 'agent']) {
  test(`a clean ${learner} run at the page's defaults stays quiet for 5,000 steps`, async (t) => {
    const lab = await readyLab(t, `/#scenario=${learner}&speed=2000`);
    const { page } = lab;
    await page.click('#start');
    await page.waitForFunction(() => {
      const s = document.querySelector('#status');
      return s.dataset.state !== 'running' || Number(s.dataset.step) >= 5000;
    }, null, { timeout: 120_000 });
    await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
    await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'paused');
    const step = await page.$eval('#status', (s) => Number(s.dataset.step));
    assert.ok(step >= 5000, `trained to step ${step}`);
    const listed = await page.$$eval('#alerts li.alert', (li) => li.map((r) => `${r.dataset.detector}@${r.dataset.step}:${r.dataset.severity}`));
    assert.deepEqual(listed, [], 'no finding');
    assert.equal(await page.$eval('#alert-count', (c) => c.textContent), '0');
    assertClean(lab);
  });
}
