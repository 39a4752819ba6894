// Issue 11, accessibility beyond axe's audit (axe.test.mjs): the controls are
// reached with Tab and show their focus, findings are announced through a
// live region, each chart has a text summary, and reduced motion stops the
// page's animations and transitions.

import assert from 'node:assert/strict';
import test from 'node:test';
import { assertClean, readyLab, trainTo } from './actions.mjs';

test('Tab reaches the controls, each with a visible focus and a name', async (t) => {
  const lab = await readyLab(t);
  const { page } = lab;
  const seen = [];
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => {
      const e = document.activeElement;
      const s = getComputedStyle(e);
      const name = e.getAttribute('aria-label') || e.labels?.[0]?.textContent || e.textContent || e.title || '';
      return { id: e.id || e.tagName, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, named: name.trim().length > 0 };
    }));
  }
  const ids = seen.map((s) => s.id);
  // (Pause is disabled until a run trains.)
  for (const want of ['start', 'reset']) {
    assert.ok(ids.includes(want), `#${want} is reached with Tab: ${ids.join(' ')}`);
  }
  const unseen = seen.filter((s) => !s.outline).map((s) => s.id);
  assert.deepEqual(unseen, [], 'every focused control shows its focus');
  const unnamed = seen.filter((s) => !s.named).map((s) => s.id);
  assert.deepEqual(unnamed, [], 'every focused control has a name');
  assertClean(lab);
});

test('findings are announced in a live region and charts have a text summary', async (t) => {
  const lab = await readyLab(t, '/#speed=100&autopause=false&fault=lr_spike(at_step:100,factor:50)');
  const { page } = lab;
  await trainTo(page, 400);
  await page.waitForFunction(() => /at step \d+/.test(document.querySelector('#announcer')?.textContent || ''), null, { timeout: 10_000 });
  const region = await page.$eval('#announcer', (r) => ({ role: r.getAttribute('role'), live: r.getAttribute('aria-live'), text: r.textContent }));
  assert.equal(region.live, 'polite');
  assert.match(region.text, /^(warning|critical) at step \d+: /, region.text);
  await page.waitForFunction(() => [...document.querySelectorAll('figure.chart-card figcaption.chart-summary')].some((c) => /at step \d+; least/.test(c.textContent)));
  const summaries = await page.$$eval('figure.chart-card figcaption.chart-summary', (c) => c.map((x) => x.textContent));
  assert.ok(summaries.length >= 1, 'one summary a chart');
  assertClean(lab);
});

test('reduced motion stops animations and transitions', async (t) => {
  const lab = await readyLab(t);
  const { page } = lab;
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const styles = await page.evaluate(() => {
    const tools = document.querySelector('.chart-tools');
    const banner = document.querySelector('#banner');
    return { transition: getComputedStyle(tools).transitionDuration, animation: getComputedStyle(banner).animationName };
  });
  assert.equal(styles.transition, '0s');
  assert.equal(styles.animation, 'none');
  assertClean(lab);
});
