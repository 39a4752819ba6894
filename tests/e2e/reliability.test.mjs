// Issue 11 in the page: no JS value traps the wasm (defect 6), and a run
// store at a newer version is read, not a dead end; another tab's upgrade
// or delete is not blocked by this one (defect 7).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readyLab } from './actions.mjs';

test('defect 6: a number where the board wants text is an Error, not a wasm trap', async (t) => {
  const lab = await readyLab(t);
  const outcome = await lab.page.evaluate(async () => {
    const m = await import('./pkg/failure_lab.js');
    const out = [];
    const board = new m.Board();
    for (const call of [
      () => board.add('x', 12345),
      () => board.addSeries('x', 'loss', 5, [1]),
      () => board.setFindings('x', [null]),
    ]) {
      try { call(); out.push('no error'); } catch (e) { out.push(`${e.constructor.name}: ${e.message}`); }
    }
    board.add('y', 'run y');
    board.addSeries('y', 'loss', [0, 1], [1, null]);
    out.push(board.metricNames('y').join());
    return out;
  });
  assert.match(outcome[0], /^Error: .*expected text, got a number/);
  assert.match(outcome[1], /^Error: .*expected a list of numbers/);
  assert.match(outcome[2], /^Error: findings: item 1 is not a finding/);
  assert.equal(outcome[3], 'loss');
  assert.deepEqual(lab.errors, []);
});

test('defect 7: a newer store is read, and versionchange closes the page\'s connection', async (t) => {
  const lab = await readyLab(t);
  const result = await lab.page.evaluate(async () => {
    const store = await import('./store.js');
    await store.list();
    // Another tab upgrades the store: it must not be blocked by this page.
    const upgraded = await new Promise((resolve) => {
      const req = indexedDB.open('failure-lab', 2);
      req.onblocked = () => resolve('blocked');
      req.onsuccess = () => { req.result.close(); resolve('upgraded'); };
      req.onerror = () => resolve(`error: ${req.error}`);
    });
    let listed;
    try { listed = Array.isArray(await store.list()) ? 'listed' : 'not a list'; } catch (e) { listed = `error: ${e.message}`; }
    let reset;
    try { await store.reset(); reset = 'reset'; } catch (e) { reset = `error: ${e.message}`; }
    return { upgraded, listed, reset };
  });
  assert.deepEqual(result, { upgraded: 'upgraded', listed: 'listed', reset: 'reset' });
});

test('defect 5: a crafted lab export with invalid series stores nothing and says why', async (t) => {
  const lab = await readyLab(t);
  const { page } = lab;
  const before = await page.evaluate(async () => (await (await import('./store.js')).list()).length);
  const crafted = JSON.stringify({
    format: 'failure-lab run',
    run: { name: 'crafted', findings: [{ step: 1, severity: 'critical' }, { step: 2, severity: 'loud' }] },
    metrics: { loss: { steps: [0, 2, 1], values: [1, 2, 3] } },
  });
  await page.click('#tab-runs');
  await page.setInputFiles('#import-file', [{ name: 'crafted.json', mimeType: 'application/json', buffer: Buffer.from(crafted) }]);
  await page.waitForFunction(() => !document.querySelector('#import-drop').dataset.busy, null, { timeout: 30_000 });
  const error = await page.$eval('#import-error', (e) => (e.hidden ? '' : e.textContent));
  assert.match(error, /crafted\.json: not restored, nothing stored: .*steps must increase/);
  const after = await page.evaluate(async () => (await (await import('./store.js')).list()).length);
  assert.equal(after, before);
  assert.deepEqual(lab.errors.filter((e) => e.startsWith('pageerror')), []);
});
