// Large type, the instructor's mode, at a projector's sizes: every control
// can be reached (scrolled into view) and shows whole (not clipped): the
// transport, the learner, the faults, the automatic response, every
// setting, the tabs, and every readout.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, readyLab, trainTo } from './actions.mjs';

const CONTROLS = [
  '#start', '#pause', '#reset', '#autopause', '#presenter',
  '#tab-train', '#tab-runs', '#tab-eval', '#tab-py',
  '#scenario-slot select', '#preset', '#preset-load',
  '#faults input[type=checkbox]', '#respond-slot input[type=checkbox]',
  '#settings input, #settings select',
];

/** Which of the CONTROLS the page shows now (rendered, not display:none): "selector#index". */
const shownControls = (page) => page.evaluate((sels) => sels.flatMap((sel) => [...document.querySelectorAll(sel)]
  .map((e, i) => (e.getClientRects().length ? `${sel}#${i}` : null)).filter(Boolean)), CONTROLS);

for (const [w, h] of [[1280, 720], [1024, 768]]) {
  test(`large type at ${w}x${h}: every control of normal type reachable and whole, every readout shown`, async (t) => {
    const lab = await readyLab(t, '/');
    const { page } = lab;
    await page.setViewportSize({ width: w, height: h });
    // A few steps, so that the readouts have values.
    await trainTo(page, 30);
    await page.evaluate(() => { const b = document.querySelector('#pause'); if (!b.disabled) b.click(); });
    await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'paused');
    const normal = await shownControls(page);
    await page.click('#presenter');
    await page.waitForFunction(() => document.body.classList.contains('presenter'));
    const problems = [];
    for (const key of normal) {
      const cut = key.lastIndexOf('#');
      const [selector, index] = [key.slice(0, cut), Number(key.slice(cut + 1))];
      const got = await page.evaluate(({ sel, i }) => {
        const e = document.querySelectorAll(sel)[i];
        e.scrollIntoView({ block: 'center', inline: 'center' });
        const r = e.getBoundingClientRect();
        const label = e.id || e.name || e.textContent.trim().slice(0, 30);
        const shown = r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
        const inView = r.left >= -1 && r.top >= -1 && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1;
        // Clipped text: a button or tab whose label is wider than its box.
        const clipped = e.tagName === 'BUTTON' && e.scrollWidth > e.clientWidth + 1;
        // ... or cut off sideways by a scrolling or clipping ancestor.
        let cutOff = false;
        for (let p = e.parentElement; p; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (s.overflowX === 'visible') continue;
          const q = p.getBoundingClientRect();
          if (r.left < q.left - 1 || r.right > q.right + 1) cutOff = true;
        }
        return { label, shown, inView, clipped, cutOff };
      }, { sel: selector, i: index });
      if (!got.shown || !got.inView || got.clipped || got.cutOff) problems.push(`${key} ${got.label}: ${JSON.stringify(got)}`);
    }
    const readouts = await page.$$eval('#readout [data-metric]', (els) => els.filter((e) => e.offsetWidth > 0).map((e) => e.dataset.metric));
    for (const m of ['loss', 'val_loss', 'val_acc', 'grad_norm', 'lr']) {
      if (!readouts.includes(m)) problems.push(`readout ${m} not shown (${readouts})`);
    }
    assert.ok(normal.length > 20, `${normal.length} controls checked`);
    assert.deepEqual(problems, []);
    assertClean(lab);
  });
}
