// Reward over-optimization on the page (issue 10): the reward_hacking preset
// opens the agent view on its proxy reward and true quality against the KL
// divergence from the initial policy (src/plots/kl.rs); trained, the curve
// is drawn with KL well above zero, the true quality fallen and the proxy
// risen; the buttons switch between the agent's two drawings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, pixelsOf, readyLab } from './actions.mjs';

/** The view's drawing mode, its title and its canvas label. */
const viewState = (page) => page.$eval('#view-panel', (p) => ({
  mode: p.dataset.mode,
  kl: p.dataset.kl,
  step: Number(p.dataset.step ?? -1),
  title: p.querySelector('#view-title').textContent,
  label: p.querySelector('#view-canvas').getAttribute('aria-label'),
  pressed: [...p.querySelectorAll('#view-modes button')].map((b) => `${b.dataset.mode}:${b.getAttribute('aria-pressed')}`),
  modesHidden: p.querySelector('#view-modes').hidden,
}));

test('the reward_hacking preset draws proxy and true quality against a growing KL', async (t) => {
  const lab = await readyLab(t, '/#autopause=false&speed=50');
  const { page } = lab;
  await page.selectOption('#preset', 'reward_hacking');
  await page.click('#preset-load');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('fault=reward_hacking('));
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  await page.waitForFunction(() => document.querySelector('#view-panel')?.dataset.learner === 'agent');
  let s = await viewState(page);
  assert.equal(s.mode, 'kl', 'the preset opens on the KL drawing');
  assert.deepEqual(s.pressed, ['main:false', 'kl:true']);
  assert.equal(s.modesHidden, false);
  assert.match(s.title, /against KL/);
  // The fault pays by the word from step 300; by 450 the agent pads.
  // The run goes on past its hard failure (about step 350) for its run-out.
  await page.click('#start');
  await page.waitForFunction(() => Number(document.querySelector('#status').dataset.step) >= 450, null, { timeout: 120_000 });
  await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
  await page.waitForFunction(() => ['paused', 'failed', 'ready'].includes(document.querySelector('#status').dataset.state));
  const step = Number(await page.$eval('#status', (x) => x.dataset.step));
  assert.ok(step >= 400, `trained past the fault: step ${step}`);
  await page.waitForFunction((n) => Number(document.querySelector('#view-panel').dataset.step) === n && document.querySelector('#view-panel').dataset.kl, step);
  s = await viewState(page);
  const kl = Number(s.kl);
  assert.ok(kl > 1, `KL from the initial policy is well above zero: ${s.kl}`);
  const [, proxy, quality] = s.label.match(/proxy reward ([\d.]+), true quality ([\d.]+)/) ?? [];
  assert.ok(Number(proxy) > 1.5 && Number(quality) < 0.5, `proxy risen, quality fallen: ${s.label}`);
  // Both lines are drawn: the true quality's teal and the proxy's pink.
  assert.ok(await pixelsOf(page, '#view-canvas', '#0f766e') > 200, 'the true quality line');
  assert.ok(await pixelsOf(page, '#view-canvas', '#db2777') > 200, 'the proxy reward line');
  // The other drawing is a click away, and back.
  await page.click('#view-modes button[data-mode="main"]');
  await page.waitForFunction(() => /what the agent answers/.test(document.querySelector('#view-title').textContent));
  s = await viewState(page);
  assert.equal(s.kl, '');
  assert.deepEqual(s.pressed, ['main:true', 'kl:false']);
  await page.click('#view-modes button[data-mode="kl"]');
  await page.waitForFunction(() => /against KL/.test(document.querySelector('#view-title').textContent));
  assertClean(lab);
});

test('a classifier view has no drawing buttons', async (t) => {
  const lab = await readyLab(t, '/');
  const { page } = lab;
  await page.waitForFunction(() => document.querySelector('#view-panel')?.dataset.learner === 'classifier');
  assert.equal(await page.$eval('#view-modes', (m) => m.hidden), true);
  assertClean(lab);
});
