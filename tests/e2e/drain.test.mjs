// The page's copy of a long run equals the training worker's history: the
// history keeps the recent steps at full resolution and thins what is
// older, rewriting older points as it goes, and each drained batch says how
// many points of the copy still stand (`keep`).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, readyLab } from './actions.mjs';

test('a long run drained in batches, as the worker does, rebuilds the same history in a LiveView', async (t) => {
  const lab = await readyLab(t, '/');
  const got = await lab.page.evaluate(async () => {
    const { Lab, LiveView } = await import('./pkg/failure_lab.js');
    const run = new Lab({ train: { seed: 3, hidden: [8, 8], batch_size: 10 } });
    const view = new LiveView();
    view.clear(false);
    let kept = 0;
    for (let chunk = 1; run.steps() < 40_000; chunk = (chunk * 7 + 13) % 997) {
      if (run.step(chunk + 1) === 0) break;
      const batch = run.drain();
      for (const s of batch.series) {
        if (s.keep < view.stepsOf(s.name).length) kept += 1;
        view.append(s.name, s.twin, s.keep, s.steps, s.values);
      }
    }
    const names = run.metricNames();
    const same = names.every((n) => {
      const a = run.stepsOf(n), b = view.stepsOf(n);
      const x = run.values(n), y = view.values(n);
      return a.length === b.length && a.every((v, i) => v === b[i])
        && x.every((v, i) => Object.is(v, y[i]));
    });
    const loss = run.stepsOf('loss');
    const tail = loss.slice(-4096);
    return {
      steps: run.steps(), names: names.length, same, kept, points: loss.length,
      first: loss[0], last: loss[loss.length - 1],
      fullTail: tail.every((s, i) => i === 0 || s === tail[i - 1] + 1),
    };
  });
  assert.ok(got.steps >= 40_000, `trained ${got.steps} steps`);
  assert.ok(got.kept > 0, 'the history rewrote older points, and the batches said so');
  assert.ok(got.same, `every one of the ${got.names} metrics is the same, point for point`);
  assert.ok(got.points <= 32_768, `bounded: ${got.points} points`);
  assert.equal(got.first, 0, 'the whole run stays visible');
  assert.equal(got.last, got.steps - 1);
  assert.ok(got.fullTail, 'the last 4,096 steps at full resolution');
  assertClean(lab);
});
