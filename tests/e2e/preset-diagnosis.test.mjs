// Issue 13's "Must show": for every fault of every learner (every preset the
// page exports), load it with the Graded case picker, train it for the
// preset's steps, and the top entry of the diagnosis names the family of the
// fault's own detector (FaultDoc::detector, its family in the registry).
//
// The diagnosis is read as the page makes it: the stored run's findings up
// to the preset's steps, ranked by the page's own diagnose().

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, pauseAndStore, readyLab } from './actions.mjs';

/** Loads preset `id` through the picker; resolves once the live run is rebuilt. */
async function loadPreset(page, id) {
  await page.click('#tab-train');
  await page.selectOption('#preset', id);
  await page.click('#preset-load');
  await page.waitForFunction((want) => decodeURIComponent(location.hash).includes(`fault=${want}(`), id);
  await page.waitForFunction(() => {
    const s = document.querySelector('#status');
    return s.dataset.state === 'ready' && s.dataset.step === '0';
  });
}

/** Polls the page (one evaluate at a time) until the live run reached `steps`, failed or stopped. */
async function trainPast(page, steps, timeout = 180_000) {
  await page.click('#start');
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await page.evaluate(() => {
      const el = document.querySelector('#status');
      return { state: el.dataset.state, step: Number(el.dataset.step) };
    });
    if (s.step >= steps || s.state === 'failed' || (s.state !== 'running' && s.step > 0)) return s;
    if (Date.now() > deadline) throw new Error(`training stopped at step ${s.step} (${s.state})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('every preset: the top of the diagnosis names its fault\'s family within the preset\'s steps', async (t) => {
  // Pause on critical off: the run goes on to the preset's steps (a preset keeps the page's preference).
  const lab = await readyLab(t, '/#autopause=false&speed=2000');
  const { page } = lab;
  const { list, family } = await page.evaluate(async () => {
    const { Lab, presets } = await import('./pkg/failure_lab.js');
    const fam = Object.fromEntries(Lab.detectors().map((d) => [d.id, d.family]));
    return {
      list: presets().map((p) => ({ id: p.id, scenario: p.scenario, detector: p.detector, steps: p.steps })),
      family: fam,
    };
  });
  assert.ok(list.length >= 13, `${list.length} presets`);
  const results = [];
  for (const preset of list) {
    await loadPreset(page, preset.id);
    const ran = await trainPast(page, preset.steps);
    const end = await pauseAndStore(page);
    const got = await page.evaluate(async ({ steps }) => {
      const { diagnose } = await import('./pkg/failure_lab.js');
      const store = await import('./store.js');
      const [run] = await store.list(); // newest first: this preset's run
      const findings = (run.findings || []).filter((f) => f.step <= steps);
      const d = diagnose(findings);
      const top = d.cause === undefined ? null : findings[d.cause];
      return { top: top && { detector: top.detector, step: top.step }, n: findings.length, name: run.name };
    }, preset);
    const want = family[preset.detector];
    const topFamily = got.top ? family[got.top.detector] : 'none';
    results.push(`${preset.id}: ${got.top ? `${got.top.detector}@${got.top.step}` : 'no finding'} (${topFamily}; wants ${want}), trained to ${end} (${ran.state}), ${got.n} findings`);
    await page.click('#tab-train');
  }
  const wrong = results.filter((r) => { const m = r.match(/\((\w+); wants (\w+)\)/); return !m || m[1] !== m[2]; });
  console.log(results.join('\n'));
  assert.deepEqual(wrong, [], results.join('\n'));
  assertClean(lab);
});
