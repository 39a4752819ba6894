// Shortcut learning in the page (issue 10): the spurious_feature fault is in
// the fault panel with its doc, its preset (the suite's case: circles with a
// stress split) loads with one click, the stress split's accuracy can be
// charted under its title, and training it shows shortcut_reliance's
// finding, ranked as the cause.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, rankedFindings, readyLab } from './actions.mjs';

test('spurious_feature: the fault, its preset, the stress chart and the detector\'s finding', async (t) => {
  const lab = await readyLab(t, '/#autopause=false&speed=2000');
  const { page } = lab;

  // The fault panel offers it with its doc, from Rust.
  const card = await page.$eval('#fault-spurious_feature', (box) => box.closest('label, li, div').textContent);
  const { doc, preset } = await page.evaluate(async () => {
    const { Lab, presets } = await import('./pkg/failure_lab.js');
    return {
      doc: Lab.faults('classifier').find((f) => f.id === 'spurious_feature'),
      preset: presets().find((p) => p.id === 'spurious_feature'),
    };
  });
  assert.ok(doc, 'Lab.faults lists spurious_feature');
  assert.match(doc.text, /side of the plane/);
  assert.match(card, /Spurious feature/);
  assert.equal(preset.detector, 'shortcut_reliance');

  // Its preset: circles with 200 stress points, the fault at step 300.
  await page.selectOption('#preset', 'spurious_feature');
  await page.click('#preset-load');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('fault=spurious_feature('));
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  assert.equal(await page.$eval('#set-dataset', (s) => s.value), 'circles');
  assert.equal(await page.$eval('#set-nStress', (s) => s.value), '200');

  // Train past the detector's firing (steps 400-550 on seeds 1-20; the preset's seed is 1: 450).
  await page.click('#start');
  await page.waitForFunction(() => {
    const s = document.querySelector('#status');
    return s.dataset.state !== 'running' || Number(s.dataset.step) >= 800;
  }, null, { timeout: 120_000 });
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  await page.waitForFunction(() => ['paused', 'failed'].includes(document.querySelector('#status').dataset.state));

  // The stress split's accuracy is a chart to pick, under its own title.
  const chip = await page.$eval('#chart-picker [data-key="stress_acc"]', (b) => b.textContent);
  assert.match(chip, /Stress-split accuracy/);

  // The finding, at the top of the diagnosis.
  const ranked = await rankedFindings(page);
  const found = ranked.find((f) => f.detector === 'shortcut_reliance');
  assert.ok(found, `shortcut_reliance fired: ${JSON.stringify(ranked)}`);
  assert.ok(found.step >= 300, `after the onset: ${found.step}`);
  assert.equal(ranked[0].detector, 'shortcut_reliance', JSON.stringify(ranked));
  assertClean(lab);
});
