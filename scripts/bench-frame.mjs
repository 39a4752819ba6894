// Frame time of the charts in headless Chromium while four charts show
// 100,000 points each. Needs `bash scripts/build.sh` first; starts the server
// like the end-to-end tests.
//
//   node scripts/bench-frame.mjs [points] [frames]
//
// A log of `points` steps (loss, val_loss, grad_norm, val_acc, lr at every
// step: a noisy decay made up for the benchmark) is imported through the
// page, then measured in two situations:
//   1. the imported run in focus, every chart redrawn on every frame (as
//      while panning);
//   2. the live run training (measured once it has `points` steps, then at
//      20 steps a frame), with the imported run overlaid on its charts.
// "draw" is the time the page spends drawing all four charts in one frame
// (performance.measure 'lab:draw'); "frame" is the interval between
// animation frames while the page's training worker trains (20 steps per
// 60 Hz frame). Each is measured three times over `frames`
// frames; the round with the lowest median is shown (other programs on the
// machine only ever make a round slower).

import os from 'node:os';
import { openLab, waitReady } from '../tests/e2e/helpers.mjs';

const points = Number(process.argv[2] || 100_000);
const frames = Number(process.argv[3] || 300);
if (!Number.isInteger(points) || points < 100 || !Number.isInteger(frames) || frames < 10) {
  console.error('usage: node scripts/bench-frame.mjs [points >= 100] [frames >= 10]');
  process.exit(2);
}

/** A wide CSV with every metric at every step (deterministic noise). */
function makeLog(n) {
  let x = 12345;
  const noise = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
  const rows = ['step,loss,val_loss,grad_norm,val_acc,lr'];
  for (let s = 0; s < n; s++) {
    const decay = Math.exp(-s / (n / 5));
    const loss = 0.2 + 0.5 * decay + 0.05 * noise();
    rows.push([s, loss.toFixed(5), (loss + 0.02).toFixed(5), (0.5 + 0.3 * noise() + decay).toFixed(5),
      (0.95 - 0.4 * decay + 0.02 * noise()).toFixed(4), (0.1 * (s < n / 2 ? 1 : 0.5)).toString()].join(','));
  }
  return `${rows.join('\n')}\n`;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1], n: s.length };
};
const show = (label, st) => console.log(`  ${label.padEnd(34)} median ${st.median.toFixed(2).padStart(6)} ms   p95 ${st.p95.toFixed(2).padStart(6)} ms   max ${st.max.toFixed(1).padStart(6)} ms   (${st.n} frames)`);

/** Watches the next `count` frames: the page's draw times and the frame intervals. */
function measure(page, count, redrawEveryFrame) {
  return page.evaluate(({ count, redraw }) => new Promise((resolve) => {
    const draws = [];
    const intervals = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'lab:draw') draws.push(e.duration);
    });
    observer.observe({ type: 'measure' });
    let last = performance.now();
    let n = 0;
    const tick = (now) => {
      intervals.push(now - last);
      last = now;
      if (redraw) window.dispatchEvent(new Event('resize'));
      if (++n < count) requestAnimationFrame(tick);
      else setTimeout(() => { observer.disconnect(); resolve({ draws, intervals: intervals.slice(1) }); }, 50);
    };
    requestAnimationFrame(tick);
  }), { count, redraw: redrawEveryFrame });
}

const lab = await openLab('/#charts=loss,grad_norm,val_acc,lr&autopause=false&speed=2000');
try {
  const { page } = lab;
  await page.setViewportSize({ width: 1280, height: 720 });
  await waitReady(lab);
  const log = makeLog(points);
  const t0 = Date.now();
  await page.click('#tab-runs');
  await page.setInputFiles('#import-file', { name: 'bench.csv', mimeType: 'text/csv', buffer: Buffer.from(log) });
  await page.waitForSelector('#viewing:not([hidden])', { timeout: 120_000 });
  const importSeconds = (Date.now() - t0) / 1000;
  const shown = await page.$eval('#range-to', (i) => Number(i.value));

  const best = async (redraw, key) => {
    const rounds = [];
    for (let r = 0; r < 3; r++) rounds.push(await measure(page, frames, redraw));
    return rounds.sort((a, b) => stats(a[key]).median - stats(b[key]).median)[0];
  };
  const still = await best(true, 'draws');

  await page.click('#viewing-live');
  await page.check('#runs li.run[data-source="import"] .run-overlay');
  await page.click('#start');
  await page.waitForFunction((n) => Number(document.querySelector('#status').dataset.step) >= n, points, { timeout: 300_000 });
  // From here on 20 steps a frame, so the live run stays near `points` steps.
  await page.click('#tab-train');
  await page.fill('#set-speed', '20');
  await page.press('#set-speed', 'Enter');
  const live = await best(false, 'draws');
  const steps = await page.$eval('#status', (s) => Number(s.dataset.step));
  await page.click('#pause');
  if (lab.errors.length) throw new Error(lab.errors.join('\n'));

  const cpu = os.cpus()[0]?.model?.trim() || 'unknown CPU';
  const browser = page.context().browser();
  console.log(`chart frame benchmark: 4 charts at 1280x720, ${points.toLocaleString('en')} points per metric (steps 0..${shown})`);
  console.log(`  machine: ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}; Chromium ${browser.version()} headless; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`  import of the ${(log.length / 2 ** 20).toFixed(1)} MB log through the page: ${importSeconds.toFixed(1)} s`);
  console.log('1. imported run in focus, redrawn every frame');
  show('draw (4 charts)', stats(still.draws));
  console.log(`2. live run training (${steps.toLocaleString('en')} steps by the end), imported run overlaid`);
  show('draw (4 charts, 2 runs each)', stats(live.draws));
  show('frame interval (training included)', stats(live.intervals));
} finally {
  await lab.close();
}
