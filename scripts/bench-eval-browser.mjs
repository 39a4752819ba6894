// Wall time of the evaluation suite in headless Chromium, run the way a
// learner runs it: the Evaluate panel, its Web Worker, the full suite (every
// fault of every scenario times the seeds, clean runs and response runs).
// Needs `bash scripts/build.sh` first; starts the server like the
// end-to-end tests. Not a test: it prints what it measured.
//
//   node scripts/bench-eval-browser.mjs [seeds]      (default 20)
//
// "wall" runs from the click on Run to the report on screen (tables, matrix
// and charts drawn); "worker" is the time the panel itself reports. The
// page's animation frames are counted meanwhile, to show it stayed live.

import os from 'node:os';
import { openLab, waitReady } from '../tests/e2e/helpers.mjs';

const seeds = Number(process.argv[2] || 20);
if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) {
  console.error('usage: node scripts/bench-eval-browser.mjs [seeds from 1 to 100]');
  process.exit(2);
}

const lab = await openLab('/');
try {
  const { page } = lab;
  await page.setViewportSize({ width: 1400, height: 900 });
  await waitReady(lab);
  await page.click('#tab-eval');
  await page.fill('#eval-seeds', String(seeds));
  await page.selectOption('#eval-fault', '');
  await page.evaluate(() => {
    window.benchFrames = [];
    const tick = (t) => { window.benchFrames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const t0 = Date.now();
  await page.click('#eval-run');
  let shown = -1;
  for (;;) {
    const s = await page.$eval('#eval-status', (e) => ({ state: e.dataset.state, done: Number(e.dataset.done || 0), total: Number(e.dataset.total || 0) }));
    if (s.state === 'failed') throw new Error(await page.$eval('#eval-error', (e) => e.textContent));
    if (s.state === 'done') break;
    const tenth = s.total ? Math.floor((s.done * 10) / s.total) : 0;
    if (tenth !== shown) {
      console.log(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${s.done}/${s.total} runs`);
      shown = tenth;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await page.waitForSelector('#eval-results[data-final="true"] #eval-matrix');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const wall = (Date.now() - t0) / 1000;
  const worker = Number(await page.$eval('#eval-status', (e) => e.dataset.ms)) / 1000;
  const total = await page.$eval('#eval-status', (e) => e.dataset.total);
  const frames = await page.evaluate(() => {
    const f = window.benchFrames;
    let worst = 0;
    for (let i = 1; i < f.length; i++) worst = Math.max(worst, f[i] - f[i - 1]);
    return { n: f.length, worst };
  });
  const cpu = os.cpus();
  console.log(`evaluation in the browser: ${total} runs (${seeds} seeds), Chromium headless, ${cpu.length} x ${cpu[0]?.model?.trim()}`);
  console.log(`  wall ${wall.toFixed(1)} s (worker ${worker.toFixed(1)} s); page: ${frames.n} animation frames, longest gap ${frames.worst.toFixed(0)} ms`);
  console.log(`  target: under 180 s -> ${wall < 180 ? 'met' : 'MISSED'}`);
  if (lab.errors.length) console.log(`  page errors: ${lab.errors.join('; ')}`);
} finally {
  await lab.close();
}
