// Your detectors, graded in the page (www/py-grade.js): one click grades the
// editor's detectors on the evaluation suite's runs in workers, with
// progress and cancel; the table shows recall, false alarms and lead beside
// the course baseline and the lab's best, and a checklist per group. The
// page's figures for the reference solutions are those `failure-lab grade
// --format json` printed (tests/fixtures/grade-solutions.jsonl, same seeds;
// tests/grade.rs checks the command still prints them). "Show solution"
// asks first, opens beside the student's code, and a replacement undoes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assertClean, editorText, readyLab, typeCode } from './actions.mjs';
import { ROOT } from './helpers.mjs';

/** Grading 42 runs (2 seeds) on a loaded 2-core machine. */
const GRADE_MS = 300_000;
const FIXTURE = `${ROOT}tests/fixtures/grade-solutions.jsonl`;

async function openPlace(lab) {
  await lab.page.click('#tab-py');
  await lab.page.waitForSelector('#py-editor .cm-content', { timeout: 30_000 });
  await lab.page.waitForSelector('#py-grade', { timeout: 30_000 });
}

async function gradeWith(page, what, seeds) {
  await page.selectOption('#py-grade-what', what);
  await page.fill('#py-grade-seeds', String(seeds));
  await page.click('#py-grade');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#py-grade-status').dataset.state), null, { timeout: GRADE_MS });
  return page.$eval('#py-grade-status', (s) => ({ state: s.dataset.state, text: s.textContent, ms: Number(s.dataset.ms) }));
}

/** The table's rows of the graded detectors: {file, fault, detector, recall, false_alarm_rate, median_lead_steps}. */
const gradedRows = (page) => page.$$eval('.py-grade-table tr[data-detector]', (rows) => rows.map((r) => {
  const value = (key) => {
    const v = r.querySelector(`td[data-key="${key}"]`).dataset.value;
    return v === 'null' || v === 'undefined' ? null : Number(v);
  };
  return { file: r.dataset.file, fault: r.dataset.fault, detector: r.dataset.detector, recall: value('recall'), false_alarm_rate: value('false_alarm_rate'), median_lead_steps: value('median_lead_steps') };
}));

test('the reference solutions graded in the page give the figures failure-lab grade printed for the same seeds', async (t) => {
  const fixture = readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const lab = await readyLab(t);
  const { page } = lab;
  await openPlace(lab);
  const status = await gradeWith(page, 'solutions', 2);
  assert.equal(status.state, 'done', status.text);
  const rows = await gradedRows(page);
  const expected = fixture.map((r) => ({
    file: r.file.split('/').pop(), fault: r.fault, detector: r.detector,
    recall: r.recall, false_alarm_rate: r.false_alarm_rate, median_lead_steps: r.median_lead_steps,
  }));
  assert.deepEqual(rows, expected);
  // Beside them, the course baseline and the lab's best; a checklist per group.
  assert.ok(await page.$$eval('.py-grade-table tr.baseline', (r) => r.length) > 0);
  assert.ok(await page.$$eval('.py-grade-table tr.best', (r) => r.length) > 0);
  const groups = await page.$$eval('.py-grade-checklist[data-file="alignment.py"] > li', (li) => li.map((x) => x.dataset.group));
  assert.deepEqual(groups, ['optimization', 'data', 'alignment', 'emergence']);
  assertClean(lab);
});

test('the student\'s detector is graded with progress and cancel; Show solution asks, opens beside, and a replacement undoes', async (t) => {
  const lab = await readyLab(t);
  const { page } = lab;
  await openPlace(lab);
  const mine = `from failure_lab import Finding
import math

class NonFinite:
    id = "non_finite"

    def observe(self, step, metrics):
        if any(not math.isfinite(v) for v in metrics.values()):
            return Finding("critical", "non-finite", "stop")
        return None
`;
  await typeCode(page, mine);
  // Cancel: the workers stop, the button comes back.
  await page.selectOption('#py-grade-what', 'mine');
  await page.fill('#py-grade-seeds', '1');
  await page.click('#py-grade');
  await page.waitForFunction(() => Number(document.querySelector('#py-grade-status').dataset.graded || 0) >= 1, null, { timeout: GRADE_MS });
  await page.click('#py-grade-cancel');
  assert.equal(await page.$eval('#py-grade-status', (s) => s.dataset.state), 'cancelled');
  assert.equal(await page.$eval('#py-grade', (b) => b.disabled), false);

  const status = await gradeWith(page, 'mine', 1);
  assert.equal(status.state, 'done', status.text);
  const rows = await gradedRows(page);
  const spike = rows.find((r) => r.fault === 'lr_spike' && r.detector === 'non_finite');
  assert.ok(spike && typeof spike.recall === 'number', JSON.stringify(rows));
  assert.ok(await page.$eval('.py-grade-checklist', (c) => c.textContent.includes('Gradients and optimisation')));

  // Show solution: nothing before the confirmation; read-only beside; replace undoes.
  await page.evaluate(() => { document.querySelector('#py-solutions').open = true; });
  await page.selectOption('#py-solution-group', 'data');
  await page.click('#py-solution-show');
  assert.equal(await page.$eval('#py-solution', (h) => h.hidden), true);
  await page.click('#py-confirm-yes');
  await page.waitForFunction(() => !document.querySelector('#py-solution').hidden && document.querySelector('#py-solution').shadowRoot.querySelector('.cm-content')?.textContent.includes('py_class_imbalance'));
  assert.equal(await editorText(page), mine, 'the student\'s code is untouched');
  await page.click('#py-solution-use');
  await page.click('#py-confirm-yes');
  assert.match(await editorText(page), /py_class_imbalance/);
  await page.click('#py-editor .cm-content');
  await page.keyboard.press('Control+Z');
  assert.match(await editorText(page), /class NonFinite/);
  assert.doesNotMatch(await editorText(page), /py_class_imbalance/);
  assertClean(lab);
});
