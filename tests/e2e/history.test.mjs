// History: every run is kept in the browser (IndexedDB), survives a reload,
// can be renamed and deleted, and runs can be overlaid on the same charts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitReady } from './helpers.mjs';
import { assertClean, pauseAndStore, pixelsOf, readyLab, storedRuns, trainTo } from './actions.mjs';

test('a run is recorded, the page is reloaded and the run is still there; rename and delete', async (t) => {
  const lab = await readyLab(t, '/#seed=5');
  const { page } = lab;

  await trainTo(page, 150);
  const step = await pauseAndStore(page);
  const [run] = await storedRuns(page);
  assert.match(run.name, /seed 5/, 'the run is named by its settings');

  await page.reload();
  await waitReady(lab);
  await page.click('#tab-runs');
  await page.waitForSelector(`#runs li.run[data-id="${run.id}"]`);
  const [again] = await storedRuns(page);
  assert.equal(again.id, run.id);
  assert.match(again.meta, new RegExp(`${step.toLocaleString('en')} steps`), 'with its steps');
  assert.equal(await page.$eval('#set-seed', (i) => i.value), '5', 'the URL kept the seed');

  await page.click(`#runs li.run[data-id="${run.id}"] .run-rename`);
  await page.fill('#runs .run-name-input', 'my first explosion');
  await page.press('#runs .run-name-input', 'Enter');
  await page.waitForFunction(() => document.querySelector('#runs .run-name')?.textContent === 'my first explosion');
  await page.reload();
  await waitReady(lab);
  await page.click('#tab-runs');
  await page.waitForSelector('#runs li.run');
  assert.equal((await storedRuns(page))[0].name, 'my first explosion', 'the new name is stored');

  await page.click(`#runs li.run[data-id="${run.id}"] .run-delete`);
  await page.click(`#runs li.run[data-id="${run.id}"] .run-delete`);
  await page.waitForSelector(`#runs li.run[data-id="${run.id}"]`, { state: 'detached' });
  await page.reload();
  await waitReady(lab);
  assert.deepEqual(await storedRuns(page), [], 'the deleted run stays deleted');
  assertClean(lab);
});

test('two runs are overlaid on the same charts, which zoom from the keyboard', async (t) => {
  const lab = await readyLab(t, '/#charts=loss,grad_norm&autopause=false&fault=lr_spike(at_step:200,factor:50)');
  const { page } = lab;
  const palette = await page.evaluate(async () => (await import('./pkg/failure_lab.js')).Lab.palette());

  await trainTo(page, 400);
  const first = await pauseAndStore(page);
  assert.ok(first > 200);

  await page.click('#tab-train');
  await page.uncheck('#fault-lr_spike');
  await page.fill('#set-seed', '2');
  await page.press('#set-seed', 'Enter');
  await page.waitForFunction(() => document.querySelector('#status').dataset.step === '0');
  await trainTo(page, 300);
  await pauseAndStore(page);
  const runs = await storedRuns(page);
  assert.equal(runs.length, 2, 'both runs are stored');
  const spike = await page.$eval('[data-fault="lr_spike"] .switch span', (s) => s.textContent);
  const older = runs.find((r) => r.name.startsWith(spike));
  assert.ok(older, `the first run is named by its fault's title: ${runs.map((r) => r.name)}`);

  // One run: the gradient-norm chart has only the first colour.
  assert.equal(await pixelsOf(page, '#chart-grad_norm', palette[1]), 0);
  await page.check(`#runs li.run[data-id="${older.id}"] .run-overlay`);
  await page.waitForFunction(async ({ hex }) => {
    const c = document.querySelector('#chart-grad_norm');
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) < 24 && Math.abs(d[i + 1] - g) < 24 && Math.abs(d[i + 2] - b) < 24) return true;
    return false;
  }, { hex: palette[1] }, { timeout: 10_000 });
  assert.ok(await pixelsOf(page, '#chart-grad_norm', palette[0]) > 0, 'the live run keeps the first colour');
  assert.ok(await pixelsOf(page, '#chart-loss', palette[1]) > 0, 'the stored run is drawn in the second colour');
  const swatch = await page.$eval(`#runs li.run[data-id="${older.id}"] .swatch`, (s) => getComputedStyle(s).backgroundColor);
  assert.ok(swatch.startsWith('rgb('), 'the runs list shows the overlay colour');

  // Zoom and pan: the range fields follow the keyboard.
  const whole = await page.$eval('#range-to', (i) => Number(i.value));
  assert.ok(whole >= first - 1, `the charts span both runs (to ${whole})`);
  await page.focus('#chart-loss');
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.waitForFunction((w) => Number(document.querySelector('#range-to').value) < w, whole);
  const from = await page.$eval('#range-from', (i) => Number(i.value));
  assert.ok(from > 0, 'zoomed in around the middle');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((f) => Number(document.querySelector('#range-from').value) > f, from);
  await page.keyboard.press('0');
  await page.waitForFunction(() => document.querySelector('#range-from').value === '0');

  assertClean(lab);
});
