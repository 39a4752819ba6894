// Foundation: the lab loads, trains, shows the loss, and the gradient-explosion
// detector catches a learning-rate spike switched on mid-run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canvasPixels, openLab, waitReady } from './helpers.mjs';

const STATES = ['ready', 'running', 'paused', 'failed'];

test('a learning-rate spike raises a gradient-explosion alert', async (t) => {
  const lab = await openLab();
  t.after(lab.close);
  const { page } = lab;

  await waitReady(lab);
  assert.equal(await page.$eval('#status', (s) => s.dataset.state), 'ready');
  for (const id of ['#pause', '#reset', '#chart-loss', '#chart-grad_norm', '#alerts']) {
    assert.ok(await page.$(id), `${id} is on the page`);
  }

  await page.click('#start');
  await page.waitForTimeout(1000);
  assert.equal(await page.$eval('#status', (s) => s.dataset.state), 'running');
  const before = await canvasPixels(page, '#chart-loss');

  await page.check('#fault-lr_spike');
  const alert = await page.waitForSelector('#alerts li.alert[data-detector="gradient_explosion"]', {
    timeout: 20_000,
  });
  assert.match(await alert.textContent(), /learning rate/i, 'the alert recommends a learning-rate change');
  assert.ok(['info', 'warning', 'critical'].includes(await alert.getAttribute('data-severity')));

  assert.notEqual(await canvasPixels(page, '#chart-loss'), before, 'the loss chart was redrawn');
  assert.ok(STATES.includes(await page.$eval('#status', (s) => s.dataset.state)));
  assert.deepEqual(lab.offOrigin(), [], 'no request leaves the lab origin');
  assert.deepEqual(lab.errors, [], 'no console error');
});
