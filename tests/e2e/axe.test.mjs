// Accessibility audit (issue 11, defect 11): axe-core, injected from
// node_modules (no network), finds no serious or critical violation on the
// page, on its Train and Runs tabs.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { readyLab } from './actions.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function audit(page) {
  // Served from the lab's own origin (the page's CSP allows only its own scripts).
  await page.route('**/__axe.min.js', (route) => route.fulfill({ path: AXE, contentType: 'text/javascript' }));
  await page.addScriptTag({ url: '/__axe.min.js' });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('axe-core finds no serious or critical violation', async (t) => {
  const lab = await readyLab(t);
  assert.deepEqual(await audit(lab.page), [], 'on the Train tab');
  await lab.page.click('#tab-runs');
  assert.deepEqual(await audit(lab.page), [], 'on the Runs tab');
});
