// The view of the failure itself (www/views.js): the worker makes it at its
// cadence and the page draws it above the charts, for both learners; the
// canvas changes as the run trains; a diverged run shows its NaN surface;
// and nothing is logged as an error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, readyLab, trainTo } from './actions.mjs';

/** A fingerprint of the view canvas's pixels. */
const pixels = (page) => page.$eval('#view-canvas', (c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < data.length; i += 97) h = (h * 31 + data[i]) >>> 0;
  return `${c.width}x${c.height}:${h}`;
});

const viewStep = (page) => page.$eval('#view-panel', (p) => Number(p.dataset.step ?? -1));

async function pause(page) {
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  await page.waitForFunction(() => ['paused', 'failed', 'ready'].includes(document.querySelector('#status').dataset.state));
}

test('the classifier view shows the surface at step 0 and changes as the run trains', async (t) => {
  const lab = await readyLab(t, '/#fault=label_noise(at_step:50)&autopause=false&speed=20');
  const { page } = lab;
  await page.waitForFunction(() => document.querySelector('#view-panel')?.dataset.learner === 'classifier');
  assert.equal(await viewStep(page), 0);
  const first = await pixels(page);
  await trainTo(page, 150);
  await page.waitForFunction(() => Number(document.querySelector('#view-panel').dataset.step) >= 100);
  await pause(page);
  const step = Number(await page.$eval('#status', (s) => s.dataset.step));
  // Stopped: the view is made for the step the run stopped at.
  await page.waitForFunction((n) => Number(document.querySelector('#view-panel').dataset.step) === n, step);
  assert.notEqual(await pixels(page), first, 'the canvas changed as the run trained');
  const note = await page.$eval('#view-note', (n) => n.textContent);
  assert.match(note, /made in [\d.]+ ms/);
  assertClean(lab);
});

test('the agent view shows what it answers and changes as the agent trains', async (t) => {
  const lab = await readyLab(t, '/#scenario=agent&fault=reward_hacking(at_step:30)&autopause=false&speed=10');
  const { page } = lab;
  await page.waitForFunction(() => document.querySelector('#view-panel')?.dataset.learner === 'agent');
  assert.match(await page.$eval('#view-title', (s) => s.textContent), /what the agent answers/);
  const first = await pixels(page);
  await trainTo(page, 120);
  await pause(page);
  // At step 120, or where reward hacking made the run fail.
  const step = Number(await page.$eval('#status', (s) => s.dataset.step));
  assert.ok(step > 30, `trained past the fault: ${step}`);
  await page.waitForFunction((n) => Number(document.querySelector('#view-panel').dataset.step) === n, step);
  assert.notEqual(await pixels(page), first, 'the canvas changed as the agent trained');
  assertClean(lab);
});

test('a diverged run shows its surface as not a number, with no error', async (t) => {
  const lab = await readyLab(t, '/#fault=lr_spike(at_step:30,factor:100)&autopause=false&speed=20');
  const { page } = lab;
  await trainTo(page, 200);
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'failed', null, { timeout: 30_000 });
  const failedAt = Number(await page.$eval('#status', (s) => s.dataset.step));
  await page.waitForFunction((n) => Number(document.querySelector('#view-panel').dataset.step) === n, failedAt);
  // The grey of cells that are not a number (#6b7280) covers much of the canvas.
  const grey = await page.$eval('#view-canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x6b) < 6 && Math.abs(d[i + 1] - 0x72) < 6 && Math.abs(d[i + 2] - 0x80) < 6) n += 1;
    return n / (d.length / 4);
  });
  assert.ok(grey > 0.2, `the NaN surface is drawn grey (${(grey * 100).toFixed(0)}% of the canvas)`);
  assertClean(lab);
});
