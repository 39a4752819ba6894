// Issue 13's "Must show": a clean run of every learner, at the page's
// defaults, stays quiet for 5,000 steps: no finding of any severity in the
// alert list, none stored with the run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, listedFindings, pauseAndStore, readyLab, trainTo } from './actions.mjs';

const STEPS = 5000;

for (const scenario of ['classifier', 'agent']) {
  test(`a clean ${scenario} run at the page's defaults stays quiet for ${STEPS.toLocaleString('en')} steps`, async (t) => {
    // Only the speed differs from the defaults (steps per frame: how fast, not what).
    const lab = await readyLab(t, `/#scenario=${scenario}&speed=2000`);
    const { page } = lab;
    await trainTo(page, STEPS, 240_000);
    const state = await page.$eval('#status', (s) => s.dataset.state);
    assert.notEqual(state, 'failed', 'a clean run does not fail');
    const listed = await listedFindings(page);
    const end = await pauseAndStore(page);
    assert.ok(end >= STEPS, `trained to ${end}`);
    const stored = await page.evaluate(async () => {
      const store = await import('./store.js');
      const [run] = await store.list();
      return (run.findings || []).map((f) => `${f.detector}@${f.step}:${f.severity}`);
    });
    assert.deepEqual(listed, [], `alerts listed on a clean ${scenario} run`);
    assert.deepEqual(stored, [], `findings stored with a clean ${scenario} run`);
    assertClean(lab);
  });
}
