// What a learner does on the page, for the end-to-end tests: train for a
// while, wait for a run to be stored, read the runs list and the alerts.

import assert from 'node:assert/strict';
import { openLab, waitReady } from './helpers.mjs';

/** The lab at `path`, ready, closed when test `t` ends. */
export async function readyLab(t, path = '/') {
  const lab = await openLab(path);
  t.after(lab.close);
  await waitReady(lab);
  return lab;
}

/** The checks every test ends with: nothing left 127.0.0.1, nothing went wrong in the console. */
export function assertClean(lab) {
  assert.deepEqual(lab.offOrigin(), [], 'no request leaves the lab origin');
  assert.deepEqual(lab.errors, [], 'no console error');
}

/** Clicks Start and waits until the live run has reached `steps` (or failed). */
export async function trainTo(page, steps, timeout = 60_000) {
  await page.click('#start');
  await page.waitForFunction((n) => {
    const s = document.querySelector('#status');
    return s.dataset.state === 'failed' || Number(s.dataset.step) >= n;
  }, steps, { timeout });
}

/**
 * Pauses (when running) and waits until the live run is stored at its
 * current step. The training worker may finish its slice after the click:
 * the step is read once it has confirmed the pause.
 */
export async function pauseAndStore(page) {
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  await page.waitForFunction(() => ['paused', 'failed', 'ready'].includes(document.querySelector('#status').dataset.state));
  const step = await page.$eval('#status', (s) => Number(s.dataset.step));
  await page.click('#tab-runs');
  await page.waitForFunction(async (n) => {
    const rows = [...document.querySelectorAll('#runs li.run')];
    return rows.some((r) => r.querySelector('.run-meta').textContent.includes(`${n.toLocaleString('en')} step`));
  }, step, { timeout: 10_000 });
  return step;
}

/** The stored runs as listed: [{id, name, meta, source}]. */
export function storedRuns(page) {
  return page.$$eval('#runs li.run', (rows) => rows.map((r) => ({
    id: r.dataset.id,
    source: r.dataset.source,
    name: r.querySelector('.run-name').textContent,
    meta: r.querySelector('.run-meta').textContent,
  })));
}

/** The alerts listed for the run in focus, by step (the list ranks them): "detector@step:severity". */
export async function listedFindings(page) {
  const rows = await page.$$eval('#alerts li.alert', (li) => li.map((r) => [Number(r.dataset.step), `${r.dataset.detector}@${r.dataset.step}:${r.dataset.severity}`]));
  return rows.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map((r) => r[1]);
}

/** The diagnosis at the top of the alert list: {role, detector, step} of each card, in order. */
export function rankedFindings(page) {
  return page.$$eval('#alerts li.alert', (li) => li.map((r) => ({ role: r.dataset.role, detector: r.dataset.detector, step: Number(r.dataset.step) })));
}

/** How many pixels of a canvas are close to colour `hex` (#rrggbb). */
export function pixelsOf(page, selector, hex) {
  return page.$eval(selector, (canvas, want) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(want.slice(i, i + 2), 16));
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) < 24 && Math.abs(data[i + 1] - g) < 24 && Math.abs(data[i + 2] - b) < 24) n += 1;
    }
    return n;
  }, hex);
}

/** Replaces the Python editor's code (Your detectors) as if typed (one input: no auto-indent). */
export async function typeCode(page, code) {
  await page.click('#py-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/** The Python editor's code. */
export const editorText = (page) => page.$$eval('#py-editor .cm-line', (lines) => lines.map((l) => l.textContent).join('\n'));
