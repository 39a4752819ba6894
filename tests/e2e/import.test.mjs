// Real training logs: a run's CSV export imported again gives the same
// findings; a malformed file shows where it is wrong and loses no stored
// run; a TensorBoard export of several files makes one run; unknown names
// can be mapped to the detectors' inputs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, waitReady } from './helpers.mjs';
import { assertClean, listedFindings, pauseAndStore, readyLab, storedRuns, trainTo } from './actions.mjs';

/** Imports files (paths, or {name, mimeType, buffer}) and waits until the import is over. */
async function importFiles(page, files) {
  await page.click('#tab-runs');
  await page.setInputFiles('#import-file', files);
  await page.waitForFunction(() => !document.querySelector('#import-drop').dataset.busy, null, { timeout: 30_000 });
}

test('a CSV export imported again gives the same findings', async (t) => {
  const lab = await readyLab(t, '/#autopause=false&fault=lr_spike(at_step:300,factor:50)');
  const { page } = lab;

  await trainTo(page, 100_000);
  assert.equal(await page.$eval('#status', (s) => s.dataset.state), 'failed', 'the spike breaks the run');
  await pauseAndStore(page);
  const live = await listedFindings(page);
  assert.ok(live.some((f) => f.startsWith('gradient_explosion@')), `the explosion is found: ${live}`);

  const [run] = await storedRuns(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`#runs li.run[data-id="${run.id}"] .run-csv`),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const path = await download.path();
  const csv = readFileSync(path, 'utf8');
  const header = csv.split('\n')[0].split(',');
  assert.equal(header[0], 'step', 'a step column first');
  for (const m of ['loss', 'val_loss', 'grad_norm', 'lr']) assert.ok(header.includes(m), `a ${m} column`);

  await importFiles(page, [path]);
  assert.equal(await page.$eval('#import-error', (e) => e.hidden), true, await page.$eval('#import-error', (e) => e.textContent));
  const runs = await storedRuns(page);
  assert.equal(runs.length, 2, 'the import is stored as a run');
  const imported = runs.find((r) => r.source === 'import');
  assert.ok(imported, 'an imported run');
  assert.match(await page.$eval('#viewing-text', (e) => e.textContent), /Viewing a stored run/);
  assert.match(await page.$eval('#import-summary', (e) => e.textContent),
    /Imported \d[\d,]* rows \(csv\).*loss: 1 value NaN or infinite \(first at step \d+\)/);
  const again = await listedFindings(page);
  assert.deepEqual(again, live, 'the same detectors find the same things at the same steps');

  // The JSON export (everything) is restored as it was.
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`#runs li.run[data-id="${run.id}"] .run-json`),
  ]);
  const saved = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.equal(saved.run.seed, 1);
  assert.equal(saved.run.state.fault.lr_spike.at_step, 300, 'the settings are in it');
  assert.ok(saved.metrics.loss.values.includes('Infinity') || saved.metrics.loss.values.includes('NaN'), 'non-finite values as text');
  await importFiles(page, [await json.path()]);
  assert.equal(await page.$eval('#import-error', (e) => e.textContent), '');
  assert.equal((await storedRuns(page)).length, 3);
  assert.deepEqual(await listedFindings(page), live, 'the restored run has its findings');
  assertClean(lab);
});

test('a malformed file shows its error and the stored runs are intact', async (t) => {
  const lab = await readyLab(t, '/#seed=3');
  const { page } = lab;
  await trainTo(page, 120);
  await pauseAndStore(page);
  const before = await storedRuns(page);
  assert.equal(before.length, 1);

  const bad = [
    { name: 'text.csv', text: 'step,loss,grad_norm\n0,1.5,0.3\n1,oops,0.3\n', want: /text\.csv: line 3, column 2 \(loss\): 'oops' is not a number/ },
    { name: 'ragged.csv', text: 'step,loss\n0,1.0\n1,0.9,7\n', want: /ragged\.csv: line 3: 3 cells, but the header names 2 columns/ },
    { name: 'broken.jsonl', text: '{"step": 0, "loss": 1.0}\n{"step": 1, "loss": \n', want: /broken\.jsonl: line 2, column \d+/ },
    { name: 'empty.csv', text: '', want: /empty\.csv: the file is empty/ },
    { name: 'header-only.csv', text: 'step,loss\n', want: /header but no data rows/ },
  ];
  for (const file of bad) {
    await importFiles(page, [{ name: file.name, mimeType: 'text/plain', buffer: Buffer.from(file.text) }]);
    const error = await page.$eval('#import-error', (e) => (e.hidden ? '' : e.textContent));
    assert.match(error, file.want, `${file.name}: ${error}`);
    assert.match(error, /nothing was stored/);
    assert.deepEqual(await storedRuns(page), before, `${file.name}: the stored runs are untouched`);
  }

  await page.reload();
  await waitReady(lab);
  assert.deepEqual((await storedRuns(page)).map((r) => r.id), before.map((r) => r.id), 'still there after a reload');
  assertClean(lab);
});

test('a TensorBoard export of several files is one run; unknown names can be mapped', async (t) => {
  const lab = await readyLab(t);
  const { page } = lab;

  const dir = `${ROOT}tests/fixtures/tensorboard`;
  await importFiles(page, ['Loss_train', 'Loss_val', 'grad_norm'].map((tag) => `${dir}/run-exp1-tag-${tag}.csv`));
  assert.equal(await page.$eval('#import-error', (e) => e.hidden), true, await page.$eval('#import-error', (e) => e.textContent));
  const runs = await storedRuns(page);
  assert.equal(runs.length, 1, 'three files, one run');
  await page.click('#picker-menu summary');
  const chips = await page.$$eval('#chart-picker .chip', (c) => c.map((x) => x.dataset.key));
  for (const key of ['loss', 'grad_norm']) assert.ok(chips.includes(key), `a ${key} chart is offered: ${chips}`);

  // A column the detectors do not know, mapped by the learner.
  const log = 'iteration,objective,g\n0,2.0,1.0\n1,1.9,1.1\n2,1.8,0.9\n';
  await importFiles(page, [{ name: 'custom.csv', mimeType: 'text/csv', buffer: Buffer.from(log) }]);
  await page.waitForSelector('#mapping:not([hidden])');
  assert.deepEqual(await page.$$eval('#mapping label.unknown code', (c) => c.map((x) => x.textContent)), ['objective', 'g']);
  await page.selectOption('#mapping select[name="objective"]', 'loss');
  await page.selectOption('#mapping select[name="g"]', 'grad_norm');
  await page.click('#mapping button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('#mapping label.unknown').length === 0);
  const mapped = await storedRuns(page);
  assert.equal(mapped.length, 2, 'importing again replaces the run instead of adding one');
  await page.click('#picker-menu summary');
  const keys = await page.$$eval('#chart-picker .chip', (c) => c.map((x) => x.dataset.key));
  assert.ok(keys.includes('loss') && keys.includes('grad_norm') && !keys.includes('objective'), `mapped: ${keys}`);
  assertClean(lab);
});
