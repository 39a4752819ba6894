// Nothing stale, and a diagnosis rather than a log: the banner follows the
// run, "Pause on critical" and the automatic response work together, and
// the alert list leads with the root cause the lab believes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, rankedFindings, readyLab, trainTo } from './actions.mjs';

const SPIKE = 'fault=lr_spike(at_step:300,factor:50)';
const stateOf = (page) => page.$eval('#status', (s) => s.dataset.state);
const banner = (page) => page.$eval('#banner', (b) => (b.hidden ? null : b.textContent));

test('the banner follows the run: paused on critical, then Start and Reset clear it', async (t) => {
  const lab = await readyLab(t, `/#${SPIKE}&charts=loss`);
  const { page } = lab;
  await page.click('#start');
  await page.waitForFunction(() => ['paused', 'failed'].includes(document.querySelector('#status').dataset.state), null, { timeout: 30_000 });
  assert.equal(await stateOf(page), 'paused', 'pause on critical stopped the run');
  assert.match(await banner(page), /Critical .*Training paused\./s);

  // Start again: while it runs, the banner no longer says paused (a
  // snapshot of both at once: the run may stop at its next critical finding).
  const stopped = await page.$eval('#status', (s) => Number(s.dataset.step));
  await page.click('#start');
  const snap = await (await page.waitForFunction((from) => {
    const s = document.querySelector('#status');
    const b = document.querySelector('#banner');
    if (s.dataset.state !== 'running' && Number(s.dataset.step) <= from) return false;
    return { state: s.dataset.state, banner: b.hidden ? '' : b.textContent };
  }, stopped)).jsonValue();
  if (snap.state === 'running') {
    assert.doesNotMatch(snap.banner, /Training paused/, 'running again: the banner no longer says paused');
  }
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  await page.click('#reset');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  assert.equal(await banner(page), null, 'Reset clears the banner');
  assert.equal(await page.$$eval('#alerts li', (l) => l.length), 0, 'and the alerts');
  assertClean(lab);
});

test('with the automatic response on, pause on critical lets the response act and the run go on', async (t) => {
  const lab = await readyLab(t, `/#respond=true&${SPIKE}&charts=loss`);
  const { page } = lab;
  assert.equal(await page.isChecked('#autopause'), true, 'pause on critical is on');
  await trainTo(page, 900);
  assert.equal(await stateOf(page), 'running', 'the run goes on past the spike');
  const actions = await page.$$eval('#alerts li.alert p.action:not(.none)', (ps) => ps.map((p) => p.textContent));
  assert.ok(actions.length > 0, 'the response acted');
  assert.doesNotMatch(await banner(page) || '', /Training paused/);
  await page.click('#pause');
  assertClean(lab);
});

test('the diagnosis leads with the root cause: an early optimisation detector for a learning-rate spike', async (t) => {
  const lab = await readyLab(t, `/#autopause=false&${SPIKE}&charts=loss`);
  const { page } = lab;
  await trainTo(page, 2000);
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  const docs = await page.evaluate(async () => Object.fromEntries((await import('./pkg/failure_lab.js')).Lab.detectors().map((d) => [d.id, d])));
  const ranked = await rankedFindings(page);
  assert.ok(ranked.length > 2, JSON.stringify(ranked));
  const [top] = ranked;
  assert.equal(top.role, 'cause');
  assert.equal(docs[top.detector].family, 'optimization', `top: ${top.detector}`);
  const first = Math.min(...ranked.map((f) => f.step));
  assert.ok(top.step - first <= 20, `the cause fired early (step ${top.step}, first finding at ${first})`);
  assert.ok(top.step >= 300, 'at or after the spike');
  const course = ranked.find((f) => f.role === 'course');
  if (course) assert.ok(docs[course.detector].course_baseline, 'the course’s own detector beside it');
  const text = await page.$eval('#alerts', (a) => a.textContent);
  assert.match(text, /What is wrong.*What follows/s);
  assertClean(lab);
});

test('the diagnosis of label noise (its suite setup) is a data detector', async (t) => {
  const lab = await readyLab(t, '/');
  const { page } = lab;
  const got = await page.evaluate(async () => {
    const { Lab, diagnose } = await import('./pkg/failure_lab.js');
    // The evaluation suite's setup for label noise (scenarios::classifier::small_data_setup).
    const config = {
      train: { seed: 1, dataset: 'circles', n_train: 100, hidden: [32, 32], optimizer: 'adam', lr: 0.005 },
      faults: [{ kind: 'label_noise', at_step: 300 }],
    };
    const run = new Lab(config);
    run.step(1500);
    const findings = run.findings(0);
    run.free();
    const d = diagnose(findings);
    const family = Object.fromEntries(Lab.detectors().map((x) => [x.id, x.family]));
    return { top: findings[d.cause], family: family[findings[d.cause]?.detector], n: findings.length };
  });
  assert.ok(got.n > 0, 'findings');
  assert.equal(got.family, 'data', `top: ${JSON.stringify(got.top)}`);
});
