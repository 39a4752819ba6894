// Live training in the page, as a learner sees it: examples per second on
// issue 9's reference network (2 inputs, 6 hidden layers of 8 tanh units,
// batch 10, circle data; the network TensorFlow Playground is compared on),
// trained flat out by the page's training worker while the main thread
// draws four charts, with the frame rate and the p95 frame time. Needs
// `bash scripts/build.sh` first; starts the server like the end-to-end tests.
//
//   node scripts/bench-live.mjs [seconds per round]
//
// After 2 s of warm-up, three rounds of `seconds` each (default 5); each
// round counts the steps taken (status data-step) and the animation frames
// drawn, and the intervals between frames. The best round by examples per
// second is shown with its frames; every round is listed.

import os from 'node:os';
import { openLab, waitReady } from '../tests/e2e/helpers.mjs';

const seconds = Number(process.argv[2] || 5);
if (!(seconds >= 1)) {
  console.error('usage: node scripts/bench-live.mjs [seconds per round >= 1]');
  process.exit(2);
}
const BATCH = 10;
const HASH = `#dataset=circles&hidden=8,8,8,8,8,8&activation=tanh&batch=${BATCH}&speed=2000&autopause=false&charts=loss,grad_norm,val_acc,lr`;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
};

/** Frames, frame intervals and steps over `ms`. */
function round(page, ms) {
  return page.evaluate((span) => new Promise((resolve) => {
    const step = () => Number(document.querySelector('#status').dataset.step);
    const intervals = [];
    let from = null;
    let t0 = 0;
    let last = 0;
    const tick = (now) => {
      if (from === null) {
        from = step();
        t0 = now;
      } else {
        intervals.push(now - last);
      }
      last = now;
      if (now - t0 < span) requestAnimationFrame(tick);
      else resolve({ steps: step() - from, ms: now - t0, intervals });
    };
    requestAnimationFrame(tick);
  }), ms);
}

const lab = await openLab(`/${HASH}`);
try {
  const { page } = lab;
  await page.setViewportSize({ width: 1280, height: 720 });
  await waitReady(lab);
  await page.click('#start');
  await page.waitForTimeout(2000);
  const rounds = [];
  for (let r = 0; r < 3; r++) rounds.push(await round(page, seconds * 1000));
  const steps = await page.$eval('#status', (s) => Number(s.dataset.step));
  const state = await page.$eval('#status', (s) => s.dataset.state);
  // Pause latency: the click to the page showing the worker's pause, five
  // times, each after a second of training.
  const pauses = [];
  for (let k = 0; k < 5; k++) {
    if (k > 0) {
      await page.click('#start');
      await page.waitForTimeout(1000);
    }
    pauses.push(await page.evaluate(() => new Promise((resolve) => {
      const t0 = performance.now();
      document.querySelector('#pause').click();
      const wait = () => {
        if (document.querySelector('#status').dataset.state === 'paused') resolve(performance.now() - t0);
        else setTimeout(wait, 0);
      };
      wait();
    })));
  }
  if (lab.errors.length) throw new Error(lab.errors.join('\n'));
  if (state !== 'running') throw new Error(`the run stopped (${state}) during the benchmark`);

  const cpu = os.cpus()[0]?.model?.trim() || 'unknown CPU';
  const browser = page.context().browser();
  console.log(`live training benchmark: 2-8x6-2 tanh, batch ${BATCH}, circles, four charts at 1280x720, ${seconds} s rounds (${steps.toLocaleString('en')} steps by the end)`);
  console.log(`  machine: ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}; Chromium ${browser.version()} headless; ${new Date().toISOString().slice(0, 10)}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const rows = rounds.map((r) => {
    const fps = (r.intervals.length * 1000) / r.ms;
    return { eps: (r.steps * BATCH * 1000) / r.ms, fps, ...stats(r.intervals) };
  });
  rows.forEach((r, i) => console.log(`  round ${i + 1}: ${Math.round(r.eps).toLocaleString('en').padStart(9)} examples/s   ${r.fps.toFixed(1).padStart(5)} fps   frame median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`));
  const best = rows.reduce((a, b) => (b.eps > a.eps ? b : a));
  console.log(`  best: ${Math.round(best.eps).toLocaleString('en')} examples/s at ${best.fps.toFixed(1)} fps, p95 frame ${best.p95.toFixed(1)} ms`);
  const p = stats(pauses);
  console.log(`  pause (click to paused, 5 times): median ${p.median.toFixed(0)} ms, max ${p.max.toFixed(0)} ms`);
} finally {
  await lab.close();
}
