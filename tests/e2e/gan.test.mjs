// Mode collapse in a GAN, in the page (issue 10): the GAN is a learner of
// the form with its own settings; the graded case gen_lr_too_high loads with
// one click, opens the GAN's charts and the ring view, covers the ring before
// the fault, and pauses on mode_coverage's critical finding once the
// generator's points bunch; the view shows the collapse the metric counts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, listedFindings, pauseAndStore, readyLab, storedRuns } from './actions.mjs';

test('GAN: its settings, the graded case, the ring view and the collapse caught', async (t) => {
  const lab = await readyLab(t, '/#speed=2000');
  const { page } = lab;

  await page.selectOption('#preset', 'gen_lr_too_high');
  await page.click('#preset-load');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('fault=gen_lr_too_high('));
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  assert.equal(await page.$eval('#set-scenario', (s) => s.value), 'gan');
  // The GAN's own settings are in the form, the classifier's are not.
  for (const name of ['gLr', 'dLr', 'dSteps', 'instanceNoise', 'gHidden']) {
    assert.ok(await page.$eval(`#set-${name}`, (e) => e.offsetParent !== null), `${name} shown`);
  }
  assert.equal(await page.$(`#set-dataset`).then((e) => e && e.evaluate((x) => x.offsetParent !== null)), false);
  assert.equal(await page.$eval('#set-gLr', (s) => Number(s.value)), 0.005);
  // The GAN's charts (its learner's defaults, from Rust's learners()).
  const titles = (await page.$$eval('#charts canvas', (cs) => cs.map((c) => c.getAttribute('aria-label')))).join(' ');
  for (const title of ['Modes covered by generated points', 'Discriminator loss', 'Generator loss']) {
    assert.ok(titles.includes(title), `${title} charted: ${titles.slice(0, 200)}`);
  }

  // Train: the page pauses on mode_coverage's critical finding, soon after the fault.
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'paused', null, { timeout: 120_000 });
  const step = Number(await page.$eval('#status', (s) => s.dataset.step));
  assert.ok(step > 800 && step < 1000, `paused soon after the fault (step 800): ${step}`);
  const listed = await listedFindings(page);
  const coverage = listed.find((f) => f.startsWith('mode_coverage@'));
  assert.ok(coverage?.endsWith(':critical'), JSON.stringify(listed));
  assert.ok(Number(coverage.split('@')[1].split(':')[0]) >= 800, `after the onset: ${coverage}`);
  assert.match(await page.$eval('#alerts', (e) => e.textContent), /Mode coverage lost/);

  // The stored run's metric: the ring covered before the fault, a few modes after.
  await page.waitForFunction(() => document.querySelector('#view-panel')?.dataset.learner === 'gan');
  await pauseAndStore(page);
  const [run] = await storedRuns(page);
  const modes = await page.evaluate(async (id) => {
    const store = await import('./store.js');
    const s = (await store.series(id)).modes_covered;
    return Array.from(s.steps, (step, i) => [step, s.values[i]]);
  }, run.id);
  const before = Math.max(...modes.filter(([s]) => s >= 600 && s < 800).map(([, v]) => v));
  const last = modes[modes.length - 1][1];
  assert.ok(before >= 6, `covers the ring before the fault: ${before}`);
  assert.ok(last <= 2, `a few modes at the pause: ${last}`);
  await page.click('#tab-train');

  // The view agrees: the ring is drawn with modes missed.
  await page.waitForFunction(() => Number(document.querySelector('#view-panel').dataset.step) >= 800);
  assert.match(await page.$eval('#view-title', (e) => e.textContent), /ring/);
  const drawn = await page.$eval('#view-canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let purple = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0x7c && d[i + 1] === 0x3a && d[i + 2] === 0xed) purple += 1;
    return purple;
  });
  assert.ok(drawn > 50, `generated points drawn: ${drawn} pixels`);
  assertClean(lab);
});
