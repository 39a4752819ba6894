// The shipped page's WebAssembly (release build, shrunk by wasm-opt) runs the
// reference run bit-for-bit as the native golden file records it: same seed,
// same run, natively and in the browser.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, openLab, waitReady } from './helpers.mjs';

// tests/common/mod.rs: reference_config() and STEPS.
const REFERENCE = { train: { seed: 7 }, faults: [{ kind: 'lr_spike', at_step: 300, factor: 50 }] };
const STEPS = 600;

function golden() {
  const text = readFileSync(`${ROOT}tests/golden/reference_run.txt`, 'utf8');
  const hard = /^hard_failure (?:Some\((\d+)\)|None)$/m.exec(text);
  const losses = [...text.matchAll(/^loss@(\d+) ([0-9a-f]{16}) /gm)].map((m) => [Number(m[1]), m[2]]);
  assert.ok(hard && losses.length > 5, 'the golden file has the hard failure and loss bits');
  return { hardFailure: hard[1] === undefined ? undefined : Number(hard[1]), losses };
}

test('the page wasm reproduces the native golden run bit for bit', async (t) => {
  const lab = await openLab();
  t.after(lab.close);
  await waitReady(lab);
  const want = golden();
  const got = await lab.page.evaluate(async ({ config, steps }) => {
    const { Lab } = await import('./pkg/failure_lab.js');
    const run = new Lab(config);
    let taken = 0;
    while (taken < steps) {
      const n = run.step(Math.min(64, steps - taken));
      if (n === 0) break;
      taken += n;
    }
    const steps_ = run.stepsOf('loss');
    const bits = new BigUint64Array(Float64Array.from(run.values('loss')).buffer);
    const byStep = {};
    steps_.forEach((s, i) => { byStep[s] = bits[i].toString(16).padStart(16, '0'); });
    const hard = run.hardFailure();
    run.free();
    return { byStep, hard };
  }, { config: REFERENCE, steps: STEPS });
  assert.equal(got.hard, want.hardFailure, 'the run fails at the same step');
  for (const [step, hex] of want.losses) {
    assert.equal(got.byStep[step], hex, `loss bits at step ${step}`);
  }
  assert.deepEqual(lab.errors, []);
});
