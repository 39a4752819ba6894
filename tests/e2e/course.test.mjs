// The guided path, as a student takes it: the welcome points at step 1; the
// first steps of each part are done in the lab and their checks tick (read
// from the lab's state, not from clicks on the path); progress survives a
// reload and exports as JSON that parses; nothing leaves the lab's origin and
// nothing is logged as an error.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { assertClean, readyLab } from './actions.mjs';

/** Waits until the step shown is ticked by its check. */
async function ticked(page, id, timeout = 90_000) {
  await page.waitForSelector(`#course-step[data-step="${id}"] #course-check[data-ok="true"]`, { state: 'attached', timeout });
}

/** Goes to step `id` through the path's outline. */
async function goTo(page, id) {
  await page.click('#tab-course');
  // The outline is drawn again, open or closed, as the path moves (after
  // the welcome's Start, say): open it and press the step's button in one
  // go in the page, so no redraw comes between the two.
  await page.waitForFunction((step) => {
    const outline = document.querySelector('.course-outline');
    const button = outline?.querySelector(`li[data-step="${step}"] button`);
    if (!button) return false;
    outline.open = true;
    button.click();
    return true;
  }, id);
  await page.waitForSelector(`#course-step[data-step="${id}"]`);
}

/** Locks in option `k` of the step's prediction. */
async function predict(page, id, k) {
  await page.check(`input[name="course-predict-${id}"][value="${k}"]`);
  await page.click('#course-predict');
  await page.waitForSelector('#course-predict', { state: 'detached' });
}

/** Loads the step's graded case and trains (Pause on critical may stop it: that is the point). */
async function loadAndTrain(page) {
  await page.click('#course-load');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  await page.click('#start');
}

test('a student takes the first steps of each part; checks tick, progress survives a reload and exports', { timeout: 400_000 }, async (t) => {
  const lab = await readyLab(t, '/#speed=300');
  const { page } = lab;

  // A first visit: the welcome points at step 1.
  assert.equal(await page.isVisible('#course-welcome'), true, 'the welcome shows');
  await page.click('#course-welcome-start');
  await page.waitForSelector('#course-step[data-step="p1-quiet"]');
  assert.equal(await page.isVisible('#course-welcome'), false, 'the welcome is gone');
  assert.equal(await page.$eval('#course-check', (c) => c.dataset.ok), 'false', 'not ticked before anything is done');

  // 1.1: a clean run stays quiet past step 1,000.
  await page.click('#start');
  await ticked(page, 'p1-quiet');
  assert.equal(await page.$eval('#course-bar', (b) => b.dataset.ok), 'true', 'the strip above the charts ticks too');

  // 1.2: the check waits for the prediction; then the graded case and its detector.
  await page.click('#course-next');
  await page.waitForSelector('#course-step[data-step="p1-explosion"]');
  await page.click('#course-hint');
  assert.equal(await page.$$eval('.course-hint', (h) => h.length), 1, 'one hint at a time');
  await page.click('#course-load');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#alerts li.alert[data-detector="gradient_explosion"]'), null, { timeout: 60_000 });
  await page.waitForTimeout(1200);
  assert.equal(await page.$eval('#course-check', (c) => c.dataset.ok), 'false', 'no tick without the prediction');
  assert.match(await page.$eval('#course-check .course-note', (n) => n.textContent), /prediction/);
  await predict(page, 'p1-explosion', 2);
  await ticked(page, 'p1-explosion');
  assert.match(await page.$eval('#course-check', (c) => c.textContent), /gradient_explosion fired at step \d+/);

  // 2.1: the per-layer gradient norms charted.
  await goTo(page, 'p2-charts');
  await page.click('#picker-menu summary');
  await page.click('#chart-picker button[data-key="grad_norm/*"]');
  await ticked(page, 'p2-charts');

  // 2.2: Pause on critical stops the corrupt batch.
  await page.click('#course-next');
  await page.waitForSelector('#course-step[data-step="p2-critical"]');
  await predict(page, 'p2-critical', 1);
  await loadAndTrain(page);
  await ticked(page, 'p2-critical');

  // 3.1: the automatic response answers the learning-rate spike.
  await goTo(page, 'p3-respond');
  await predict(page, 'p3-respond', 1);
  await page.click('#course-load');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  await page.click('#tab-train');
  await page.check('#set-respond');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'ready');
  await page.click('#start');
  await ticked(page, 'p3-respond');

  // 3.2: an evaluation of lr_spike, then 3.3: the lead read from it.
  await page.click('#tab-course');
  await page.click('#course-next');
  await page.waitForSelector('#course-step[data-step="p3-eval-one"]');
  await page.click('#course-show');
  await page.waitForSelector('#eval-form');
  await page.selectOption('#eval-fault', 'lr_spike');
  await page.fill('#eval-seeds', '2');
  await page.click('#eval-run');
  await ticked(page, 'p3-eval-one', 180_000);
  await page.click('#tab-course');
  await page.click('#course-next');
  await page.waitForSelector('#course-step[data-step="p3-lead"]');
  const lead = await page.$eval('#eval-detection table[data-case="lr_spike"]', (table) => {
    const rows = table.querySelectorAll('tr.together');
    return rows[rows.length - 1].cells[5].textContent.trim();
  });
  await page.fill('#course-answer', '99999');
  await page.waitForTimeout(1200);
  assert.equal(await page.$eval('#course-check', (c) => c.dataset.ok), 'false', 'a wrong lead does not tick');
  await page.fill('#course-answer', lead);
  await ticked(page, 'p3-lead');

  // A reload: the path comes back where it was, with its ticks.
  const done = ['p1-quiet', 'p1-explosion', 'p2-charts', 'p2-critical', 'p3-respond', 'p3-eval-one', 'p3-lead'];
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.waitForSelector('#course-bar:not([hidden])');
  assert.equal(await page.isVisible('#course-welcome'), false, 'no welcome for a returning student');
  await page.click('#tab-course');
  assert.equal(await page.$eval('#course-progress', (p) => p.dataset.done), String(done.length), 'the ticks survive a reload');
  assert.equal(await page.$eval('#course-step', (s) => s.dataset.step), 'p3-lead', 'back at the step the student was on');

  // The report: JSON that parses, with what the lab saw; and the printable sheet.
  await page.click('#course-view-report');
  await page.fill('#course-name', 'Ada');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#course-export')]);
  const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(report.format, 'failure-lab course report');
  assert.equal(report.student, 'Ada');
  assert.equal(report.done, done.length);
  assert.deepEqual(report.steps.filter((s) => s.done).map((s) => s.id), done);
  for (const s of report.steps.filter((x) => x.done)) assert.ok(s.evidence && s.check, `${s.id}: what the lab saw`);
  assert.equal(report.steps.find((s) => s.id === 'p1-explosion').prediction.correct, true);
  assert.equal(report.steps.find((s) => s.id === 'p1-explosion').prediction.before_seeing, false, 'the prediction came after the explosion');
  assert.equal(report.steps.find((s) => s.id === 'p1-explosion').hints_used, 1);
  assert.equal(await page.$$eval('#course-sheet tr[data-done="true"]', (r) => r.length), done.length, 'the printable sheet lists the steps done');

  // The course reference: every section, the readings offline.
  await page.click('#course-view-reference');
  assert.ok(await page.$$eval('.course-section', (s) => s.length) >= 15, 'the course page section by section');
  assert.equal(await page.$$eval('#course-reading li', (l) => l.length), 5, 'the five further readings');
  assertClean(lab);
});

test('the path passes axe-core: welcome, a step, the course reference and the report', async (t) => {
  const lab = await readyLab(t, '/');
  const { page } = lab;
  const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.route('**/__axe.min.js', (route) => route.fulfill({ path: axe, contentType: 'text/javascript' }));
  await page.addScriptTag({ url: '/__axe.min.js' });
  const serious = () => page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3)}`));
  assert.deepEqual(await serious(), [], 'with the welcome');
  await page.click('#course-welcome-start');
  await goTo(page, 'p1-explosion');
  await page.click('#course-hint');
  assert.deepEqual(await serious(), [], 'a step with its prediction and a hint');
  await page.click('#course-view-reference');
  assert.deepEqual(await serious(), [], 'the course reference');
  await page.click('#course-view-report');
  assert.deepEqual(await serious(), [], 'the report');
  assertClean(lab);
});

/** Reveals the step's hints and then its whole solution; returns the solution's code. */
async function revealSolution(page, hints) {
  for (let k = 1; k <= hints; k += 1) {
    await page.click('#course-hint');
    assert.equal(await page.$$eval('.course-hint', (h) => h.length), k, 'one hint at a time');
  }
  let shown = 0;
  while (await page.isVisible('#course-solution')) {
    await page.click('#course-solution');
    await page.waitForFunction((n) => document.querySelector('#course-solution-code').textContent.split('\n').length > n, shown);
    shown = await page.$eval('#course-solution-code', (c) => c.textContent.split('\n').length);
  }
  return page.$eval('#course-solution-code', (c) => c.textContent);
}

/** Puts `code` in Your detectors and runs it (the place loads on first use). */
async function runPython(page, code) {
  await page.click('#tab-py');
  await page.waitForSelector('#py-editor .cm-content', { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('#py-run').disabled, null, { timeout: 120_000 });
  await page.click('#py-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await page.click('#py-run');
  await page.waitForFunction(() => document.querySelector('#py-state').dataset.state === 'running', null, { timeout: 30_000 });
  await page.click('#tab-course');
}

test('the Python steps: each revealed solution, run in Your detectors, ticks its check; quiet on a clean run', { timeout: 600_000 }, async (t) => {
  const lab = await readyLab(t, '/#speed=100');
  const { page } = lab;
  await page.click('#course-welcome-start');
  const steps = JSON.parse(await page.evaluate(async () => JSON.stringify((await import('./course-parts.js')).STEPS)));
  for (const s of steps.filter((x) => x.check.probe === 'yours')) {
    await goTo(page, s.id);
    const code = await revealSolution(page, s.hints.length);
    assert.match(code, /^import |^from /, 'the solution carries its imports');
    assert.match(code, new RegExp(`class ${s.solution.cls}`));
    await runPython(page, code);
    await loadAndTrain(page);
    await ticked(page, s.id);
    assert.match(await page.$eval('#course-check', (c) => c.textContent), /you: py_\w+ fired at step \d+/);
    if (s.id !== 'p1-py-explosion') continue;
    // 1.6: the same detector over a clean run: quiet.
    await page.click('#course-next');
    await page.waitForSelector('#course-step[data-step="p1-py-threshold"]');
    await page.click('#tab-train');
    await page.uncheck('#fault-lr_spike');
    await page.click('#reset');
    await page.click('#start');
    await ticked(page, 'p1-py-threshold', 180_000);
  }
  assertClean(lab);
});

test('every other step ticks when the student does what it says', { timeout: 600_000 }, async (t) => {
  const lab = await readyLab(t, '/#speed=300');
  const { page } = lab;
  await page.click('#course-welcome-start');
  const steps = JSON.parse(await page.evaluate(async () => JSON.stringify((await import('./course-parts.js')).STEPS)));
  // The graded-case steps: predict, load, train, and the detector's finding ticks the check.
  for (const s of steps.filter((x) => x.check.probe === 'finding' && x.do.preset)) {
    await goTo(page, s.id);
    if (s.predict) await predict(page, s.id, s.predict.correct);
    await loadAndTrain(page);
    await ticked(page, s.id);
  }
  // 2.3: the root cause, read from the alert list.
  await goTo(page, 'p2-diagnosis');
  await loadAndTrain(page);
  await page.waitForSelector('#alerts li.alert[data-role="cause"]', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  await page.fill('#course-answer', await page.$eval('#alerts li.alert[data-role="cause"]', (li) => li.dataset.detector));
  await ticked(page, 'p2-diagnosis');
  // 2.4: a stored run overlaid.
  await page.click('#course-next');
  await page.click('#course-show');
  await page.locator('#runs li.run input.run-overlay:not(:disabled)').last().check();
  await ticked(page, 'p2-history');
  // 2.5: a log imported.
  await page.click('#tab-course');
  await page.click('#course-next');
  await page.setInputFiles('#import-file', { name: 'log.csv', mimeType: 'text/csv', buffer: Buffer.from(`step,loss,grad_norm\n${Array.from({ length: 300 }, (_, i) => `${i},${1 / (i + 1)},${1 + (i % 7) / 10}`).join('\n')}\n`) });
  await ticked(page, 'p2-import');
  // 3.4: every fault evaluated; a fault the course baseline misses.
  await goTo(page, 'p3-eval-all');
  await page.click('#course-show');
  await page.waitForSelector('#eval-form');
  await page.selectOption('#eval-fault', '');
  await page.fill('#eval-seeds', '1');
  await page.click('#eval-run');
  await page.waitForSelector('#eval-results[data-final="true"]', { state: 'attached', timeout: 300_000 });
  await page.click('#tab-course');
  await page.fill('#course-answer', 'lr_spike');
  await page.waitForTimeout(1200);
  assert.equal(await page.$eval('#course-check', (c) => c.dataset.ok), 'false', 'the course baseline catches lr_spike');
  await page.fill('#course-answer', 'vanishing');
  await ticked(page, 'p3-eval-all');
  assertClean(lab);
});
