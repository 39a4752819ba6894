// Reset replays the run exactly: same seed, same faults at the same steps,
// whether a fault came with the URL or was switched on during the run (it
// then starts at the step the run was at).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, pauseAndStore, readyLab, trainTo } from './actions.mjs';

/** Every stored metric of run `id`: {name: {step: value}}. */
const seriesOf = (page, id) => page.evaluate(async (runId) => {
  const store = await import('./store.js');
  const all = await store.series(runId);
  const out = {};
  for (const [name, s] of Object.entries(all)) {
    out[name] = {};
    s.steps.forEach((step, i) => { out[name][step] = s.values[i]; });
  }
  return out;
}, id);

const runIds = (page) => page.$$eval('#runs li.run', (rows) => rows.map((r) => r.dataset.id));

for (const { fault, path, first, after } of [
  { fault: 'lr_spike', path: '/#autopause=false&speed=5', first: 120, after: 150 },
  { fault: 'reward_hacking', path: '/#scenario=agent&autopause=false&speed=5', first: 40, after: 120 },
]) {
  test(`Reset replays ${fault} switched on mid-run at the same step`, async (t) => {
    const lab = await readyLab(t, path);
    const { page } = lab;
    await trainTo(page, first);
    await page.check(`#fault-${fault}`);
    const at = Number(await page.$eval(`#fault-${fault}-at_step`, (i) => i.value));
    assert.ok(at >= first, `the fault starts at the current step (${at})`);
    // The worker may move the start to the step it was at: wait for the URL to settle.
    // (An agent's run ends at its hard failure, which may come first.)
    await page.waitForFunction((n) => {
      const s = document.querySelector('#status');
      return s.dataset.state === 'failed' || Number(s.dataset.step) >= n;
    }, at + after);
    const end = await pauseAndStore(page);
    const atStep = Number(await page.$eval(`#fault-${fault}-at_step`, (i) => i.value));
    assert.match(await page.evaluate(() => location.hash), new RegExp(`fault=${fault}\\(at_step:${atStep}`));
    const [firstId] = await runIds(page);
    const before = await seriesOf(page, firstId);

    await page.click('#tab-train');
    await page.click('#reset');
    await page.waitForFunction(() => document.querySelector('#status').dataset.step === '0');
    assert.equal(await page.isChecked(`#fault-${fault}`), true, 'the fault stays on');
    await trainTo(page, end);
    await pauseAndStore(page);
    // The runs list is redrawn once the store has the replay.
    await page.waitForFunction(() => document.querySelectorAll('#runs li.run').length >= 2, null, { timeout: 15_000 })
      .catch(() => {});
    const secondId = (await runIds(page)).find((id) => id !== firstId);
    assert.ok(secondId, 'the replay is stored as its own run');
    const again = await seriesOf(page, secondId);

    let compared = 0;
    let changedAfter = 0;
    for (const [name, points] of Object.entries(before)) {
      for (const [step, value] of Object.entries(points)) {
        if (Number(step) > end || !(step in (again[name] || {}))) continue;
        assert.ok(Object.is(again[name][step], value), `${name}@${step}: ${value} then ${again[name][step]} after Reset`);
        compared += 1;
        if (Number(step) > atStep) changedAfter += 1;
      }
    }
    assert.ok(compared > 50, `values compared: ${compared}`);
    assert.ok(changedAfter > 0, 'values after the fault started are compared');
    assertClean(lab);
  });
}
