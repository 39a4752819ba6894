// Training steps per second in headless Chromium for the benchmark network of
// `failure-lab bench-train` (2-16-16-16-2 ReLU, batch 32, SGD), through the
// page's own WebAssembly. Needs `bash scripts/build.sh` first.
//
//   node scripts/bench-browser.mjs [steps]

import { openLab, waitReady } from '../tests/e2e/helpers.mjs';

const steps = Number(process.argv[2] || 20000);
if (!Number.isInteger(steps) || steps < 100) {
  console.error('usage: node scripts/bench-browser.mjs [steps >= 100]');
  process.exit(2);
}

const lab = await openLab();
try {
  await waitReady(lab);
  const rounds = await lab.page.evaluate(async (n) => {
    const { Lab } = await import('./pkg/failure_lab.js');
    const out = [];
    for (let round = 0; round < 3; round++) {
      const run = new Lab({ train: { hidden: [16, 16, 16], batch_size: 32 } });
      run.step(200); // warm up
      const t0 = performance.now();
      let taken = 0;
      while (taken < n) taken += run.step(Math.min(1000, n - taken));
      out.push({ ms: performance.now() - t0, healthy: run.hardFailure() === undefined });
      run.free();
    }
    return out;
  }, steps);
  const best = Math.min(...rounds.map((r) => r.ms));
  const perStep = (best * 1000) / steps;
  console.log(`benchmark network in Chromium (whole run step: trainer, detectors, history); ${steps} steps, best of 3 (healthy: ${rounds.every((r) => r.healthy)})`);
  console.log(`  whole run step        ${perStep.toFixed(2).padStart(7)} us = ${Math.round(1e6 / perStep).toString().padStart(6)} steps/s`);
} finally {
  await lab.close();
}
