// The automatic response: every fault is offered; with the response on, the
// run with it and the same run without it are drawn on the same charts, and
// each alert says what the pipeline did.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, pixelsOf, readyLab, trainTo } from './actions.mjs';

/** The faint grey of the run without the response (plots::GHOST). */
const GHOST = '#64748b';

test('every fault is offered, and the response is shown against the run without it', async (t) => {
  const lab = await readyLab(t, '/#respond=true&autopause=false&charts=loss,grad_norm&fault=lr_spike(at_step:300,factor:50)');
  const { page } = lab;

  const ids = await page.evaluate(async () => (await import('./pkg/failure_lab.js')).Lab.faults().map((f) => f.id));
  assert.ok(ids.length >= 6, `the scenario's faults: ${ids}`);
  for (const id of ids) assert.ok(await page.$(`#fault-${id}`), `a switch for ${id}`);
  assert.equal(await page.isChecked('#set-respond'), true, 'the URL switched the response on');

  await trainTo(page, 700);
  assert.notEqual(await page.$eval('#status', (s) => s.dataset.state), 'failed', 'the responding run goes on');
  await page.waitForFunction(() => /failed @ \d+/.test(document.querySelector('#readout [data-metric="twin"]')?.textContent || ''));
  await page.evaluate(() => document.querySelector('#pause').click());

  const actions = await page.$$eval('#alerts li.alert p.action:not(.none)', (ps) => ps.map((p) => p.textContent));
  assert.ok(actions.some((a) => /learning rate .* -> |rolled back to the checkpoint/.test(a)), `the pipeline's actions: ${actions}`);
  const explosion = await page.$('#alerts li.alert[data-detector="gradient_explosion"] p.action');
  assert.ok(explosion, 'the explosion alert says what was done about it');

  assert.ok(await pixelsOf(page, '#chart-grad_norm', GHOST) > 20, 'the run without the response is drawn faint');
  const palette = await page.evaluate(async () => (await import('./pkg/failure_lab.js')).Lab.palette());
  assert.ok(await pixelsOf(page, '#chart-grad_norm', palette[0]) > 20, 'beside the run with it');

  // Switching the response off restarts the run alone.
  await page.uncheck('#set-respond');
  await page.waitForFunction(() => document.querySelector('#status').dataset.step === '0');
  assert.equal(await page.$('#readout [data-metric="twin"]'), null);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /respond/);
  assertClean(lab);
});

test('a fault that needs other settings says so, and bad URL values give a message', async (t) => {
  const lab = await readyLab(t, '/#lr=-3&seed=abc&fault=oscillation&fault=meteor(x:1)&charts=loss');
  const { page } = lab;
  const text = await page.$eval('#notice-text', (n) => n.textContent);
  assert.match(text, /Learning rate: -3 is outside/);
  assert.match(text, /Seed: 'abc' is not a number/);
  assert.match(text, /unknown fault 'meteor'/);
  assert.match(text, /cross-entropy/, 'oscillation needs the cross-entropy loss');
  assert.equal(await page.$eval('#set-lr', (i) => i.value), '0.1', 'the default is used instead');
  assert.equal(await page.isChecked('#fault-oscillation'), false);

  // A refused value in the form keeps the last good one.
  await page.fill('#set-batch', '0');
  await page.press('#set-batch', 'Enter');
  await page.waitForFunction(() => /Batch size: 0 is outside/.test(document.querySelector('#notice-text').textContent));
  assert.equal(await page.$eval('#set-batch', (i) => i.value), '32');

  await page.click('#fault-oscillation');
  await page.waitForFunction(() => /cross-entropy/.test(document.querySelector('#notice-text').textContent));
  assert.equal(await page.isChecked('#fault-oscillation'), false, 'refused with the squared loss');
  await page.selectOption('#set-loss', 'cross_entropy');
  await page.check('#fault-oscillation');
  assert.match(await page.evaluate(() => location.hash), /fault=oscillation\(/);
  assertClean(lab);
});

test('each learner offers its own faults and charts', async (t) => {
  const lab = await readyLab(t, '/#scenario=agent&fault=reward_hacking(at_step:50)&autopause=false');
  const { page } = lab;
  assert.equal(await page.$eval('#set-scenario', (s) => s.value), 'agent');
  assert.ok(await page.$('#fault-reward_hacking') && !(await page.$('#fault-lr_spike')), 'the agent’s faults');
  assert.equal(await page.isChecked('#fault-reward_hacking'), true);
  assert.ok(await page.$('canvas#chart-reward'), 'the agent’s charts');
  await trainTo(page, 120);
  await page.evaluate(() => document.querySelector('#pause').click());
  assert.ok(await page.$$eval('#readout [data-metric]', (c) => c.some((x) => x.dataset.metric === 'true_quality')));

  await page.selectOption('#set-scenario', 'classifier');
  await page.waitForFunction(() => document.querySelector('#status').dataset.step === '0');
  assert.ok(await page.$('#fault-lr_spike') && !(await page.$('#fault-reward_hacking')), 'the classifier’s faults');
  assert.ok(await page.$('canvas#chart-loss') && await page.$('canvas#chart-grad_norm'));
  assert.equal(await page.evaluate(() => location.hash), '#autopause=false', 'the faults of the other learner are dropped');
  assertClean(lab);
});
