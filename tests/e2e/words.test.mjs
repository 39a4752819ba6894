// People's words wherever people read: the chart picker, run names, the
// Evaluate panel's fault list and the CSV import form use the lab's titles
// (from Rust), never an internal id; long numbers in an alert card are
// shortened and wrap.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, pauseAndStore, readyLab, storedRuns, trainTo } from './actions.mjs';

/** An internal id: a snake_case word such as lr_spike or grad_norm_first. */
const ID = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/;

const noIds = (what, texts) => {
  for (const text of texts) assert.doesNotMatch(text, ID, `${what}: "${text}"`);
};

test('no internal id in the chart picker, run names, the Evaluate fault list or the import form', async (t) => {
  const lab = await readyLab(t, '/#autopause=false&fault=lr_spike(at_step:100,factor:50)&charts=loss,grad_norm_first,dead_frac,val_min_recall');
  const { page } = lab;
  await trainTo(page, 200);
  await pauseAndStore(page);

  const chips = await page.$$eval('#chart-picker button', (b) => b.map((x) => x.textContent));
  assert.ok(chips.length >= 8, `charts offered: ${chips}`);
  noIds('chart picker', chips);
  noIds('chart titles', await page.$$eval('#charts h3, #charts .chart-title', (h) => h.map((x) => x.textContent)));

  const title = await page.$eval('[data-fault="lr_spike"] .switch span', (s) => s.textContent);
  const [run] = await storedRuns(page);
  assert.ok(run.name.startsWith(`${title} · seed 1`), `the run is named in words: ${run.name}`);
  noIds('run names', [run.name]);

  // The Evaluate panel loads on first use: open its tab and wait for its fault list.
  await page.click('#tab-eval');
  await page.waitForFunction(() => document.querySelectorAll('#eval-fault option').length > 6);
  const faults = await page.$$eval('#eval-fault option', (o) => o.map((x) => x.textContent));
  assert.ok(faults.length > 6, `the Evaluate panel lists the faults: ${faults}`);
  noIds('Evaluate fault list', faults);

  const csv = ['step,loss,grad_norm_first,dead_frac,objective',
    ...Array.from({ length: 50 }, (_, i) => `${i},${1 / (i + 1)},0.5,0.1,${i}`)].join('\n');
  await page.click('#tab-runs');
  await page.setInputFiles('#import-file', [{ name: 'log.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }]);
  await page.waitForSelector('#mapping:not([hidden])');
  const form = await page.$$eval('#mapping label, #mapping summary', (l) => l.map((x) => x.textContent));
  assert.ok(form.length >= 4, `the mapping form: ${form}`);
  noIds('import form', form);
  assertClean(lab);
});

test('a 170-digit number in an alert is shortened, and cards wrap', async (t) => {
  const lab = await readyLab(t, '/');
  const { page } = lab;
  const got = await page.evaluate(async () => {
    const { readableNumbers } = await import('./alerts.js');
    const huge = `1${'2'.repeat(169)}`;
    return {
      huge: readableNumbers(`gradient norm ${huge} is 4.4e75 times its median 0.123456789123`),
      plain: readableNumbers('loss 0.25 at step 300'),
    };
  });
  assert.equal(got.huge, 'gradient norm 1.22e+169 is 4.4e75 times its median 0.1235');
  assert.equal(got.plain, 'loss 0.25 at step 300');
  assertClean(lab);
});
