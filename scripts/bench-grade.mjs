// Grading the lab's three reference solutions (www/py/solutions/) on the
// evaluation suite, in headless Chromium the way a student clicks it (Your
// detectors, Grade: the lab's reference solutions) and natively with
// `failure-lab grade`. Needs `bash scripts/build.sh` first; starts the
// server like the end-to-end tests. Not a test: it prints what it measured,
// with the load average (the machine may be shared).
//
//   node scripts/bench-grade.mjs [seeds] [--no-native]     (default 20, grade's default)

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { openLab, ROOT, waitReady } from '../tests/e2e/helpers.mjs';

const args = process.argv.slice(2);
const seeds = Number(args.find((a) => !a.startsWith('--')) || 20);
if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) {
  console.error('usage: node scripts/bench-grade.mjs [seeds from 1 to 100] [--no-native]');
  process.exit(2);
}
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

console.log(`bench-grade: ${seeds} seeds, ${os.cpus().length} cores, load ${load()}`);
const lab = await openLab('/');
let browser;
try {
  const { page } = lab;
  await waitReady(lab);
  await page.click('#tab-py');
  await page.waitForSelector('#py-grade', { timeout: 60_000 });
  await page.selectOption('#py-grade-what', 'solutions');
  await page.fill('#py-grade-seeds', String(seeds));
  const t0 = Date.now();
  await page.click('#py-grade');
  let shown = -1;
  for (;;) {
    const s = await page.$eval('#py-grade-status', (e) => ({ state: e.dataset.state, text: e.textContent, graded: Number(e.dataset.graded || 0), total: Number(e.dataset.total || 0) }));
    if (s.state === 'error') throw new Error(s.text);
    if (s.state === 'done') break;
    const tenth = s.total ? Math.floor((s.graded * 10) / s.total) : 0;
    if (tenth !== shown) {
      console.log(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${s.text}  (load ${load()})`);
      shown = tenth;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const wall = (Date.now() - t0) / 1000;
  const ms = Number(await page.$eval('#py-grade-status', (e) => e.dataset.ms)) / 1000;
  const pass = await page.$$eval('.py-grade-checklist', (lists) => lists.map((l) => `${l.dataset.file}: ${[...l.children].map((g) => `${g.dataset.group} ${g.dataset.pass === 'true' ? 'passes' : 'NOT'}`).join(', ')}`));
  browser = { wall, ms };
  console.log(`browser: ${wall.toFixed(1)} s from the click to the table (grading ${ms.toFixed(1)} s), load ${load()}`);
  for (const p of pass) console.log(`  ${p}`);
} finally {
  await lab.close();
}

if (!args.includes('--no-native')) {
  const files = ['optimization', 'data', 'alignment'].map((g) => `www/py/solutions/${g}.py`);
  const t0 = Date.now();
  execFileSync(`${ROOT}target/release/failure-lab`, ['grade', ...files, '--seeds', String(seeds), '--format', 'csv'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`native: ${((Date.now() - t0) / 1000).toFixed(1)} s (failure-lab grade, the three files), load ${load()}`);
}
void browser;
