// The Evaluate panel: the suite runs in a Web Worker while the page stays
// live, its tables, matrix and charts show the report, the CSV export is the
// report (and what `failure-lab eval --format csv` prints natively), a run
// can be cancelled, and bad settings get a message instead of a run.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openLab, ROOT, waitReady } from './helpers.mjs';
import { pixelsOf } from './actions.mjs';

/** CSV text as blocks (separated by a blank line) of rows of cells. */
function csvBlocks(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  const blocks = [[]];
  for (const r of rows) {
    if (r.length === 1 && r[0] === '') blocks.push([]); else blocks.at(-1).push(r);
  }
  return blocks.map(([header, ...body]) => body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))));
}

/** Whether a printed number ('0.95', '–', '-') is the report's value (null: none). */
function same(printed, value, places = 2) {
  if (value === null || value === undefined) return printed === '-' || printed === '–';
  return Math.abs(Number(printed) - value) <= 0.5 * 10 ** -places + 1e-9;
}

/** The suite computed again in the page's own thread: report, lead times and CSV. */
function evaluateInPage(page, options) {
  return page.evaluate(async (opts) => {
    const { Evaluation } = await import('./pkg-full/failure_lab.js');
    const e = new Evaluation(opts);
    while (e.advance(20_000).done < e.progress().total) { /* runs to the end */ }
    const out = { report: e.report(), leads: e.leads(), csv: e.csv(), faults: Evaluation.faults() };
    e.free();
    return out;
  }, options);
}

/** Logs every progress value the panel shows, in the page. */
function watchProgress(page) {
  return page.evaluate(() => {
    window.evalProgress = [];
    new MutationObserver(() => {
      const s = document.querySelector('#eval-status');
      if (s.dataset.done) window.evalProgress.push(Number(s.dataset.done));
    }).observe(document.querySelector('#eval-status'), { attributes: true, attributeFilter: ['data-done'] });
  });
}

/** The page's evaluation workers (the live run trains in another, train-worker.js). */
const evalWorkers = (page) => page.workers().filter((w) => w.url().endsWith('/eval-worker.js'));

/** Animation frames the page draws in `ms`. */
const framesIn = (page, ms) => page.evaluate((span) => new Promise((resolve) => {
  let n = 0;
  const t0 = performance.now();
  const tick = () => { n += 1; if (performance.now() - t0 < span) requestAnimationFrame(tick); else resolve(n); };
  requestAnimationFrame(tick);
}), ms);

test('the suite runs in a worker, its report fills the panel, and the CSV export is the report', async (t) => {
  const lab = await openLab('/');
  t.after(lab.close);
  const { page } = lab;
  await page.setViewportSize({ width: 1400, height: 1000 });
  await waitReady(lab);

  // The panel and the full wasm load on first use, not with the page.
  const lazy = (u) => u.includes('/pkg-full/') || /\/eval(-worker)?\.(js|css)$/.test(u);
  assert.deepEqual(lab.requests.filter(lazy), [], 'nothing of the Evaluate panel in the first load');
  await page.click('#tab-eval');
  assert.equal(await page.$eval('#panel-eval', (p) => p.hidden), false, 'the Evaluate tab opens its panel');
  await page.fill('#eval-seeds', '2');
  await watchProgress(page);
  await page.click('#eval-run');
  await page.waitForSelector('#eval-results[data-final="true"] #eval-matrix', { timeout: 120_000 });
  assert.equal(await page.$eval('#eval-status', (s) => s.dataset.state), 'done');
  assert.ok(lab.requests.includes(`${lab.origin}/eval-worker.js`), 'the suite ran in the worker script');

  const seen = await page.evaluate(() => window.evalProgress);
  const total = Number(await page.$eval('#eval-status', (s) => s.dataset.total));
  const between = [...new Set(seen.filter((d) => d > 0 && d < total))];
  assert.ok(between.length >= 2, `progress advanced in steps (${seen.join(', ')})`);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress never goes back');
  assert.equal(seen.at(-1), total);

  // The same suite, computed again here: the numbers on screen are the report's.
  const { report, leads, csv, faults } = await evaluateInPage(page, { seeds: 2 });
  assert.equal(report.progress.total, total);
  assert.equal(await page.$eval('#eval-summary', (p) => p.textContent), `${total} of ${total} runs; seeds 1–2; findings at severity ≥ warning`);

  const tables = await page.$$eval('#eval-detection table[data-case]', (ts) => ts.map((tb) => ({
    case: tb.dataset.case,
    rows: [...tb.querySelectorAll('tbody tr[data-detector]:not([data-detector=""])')].map((tr) => ({
      detector: tr.dataset.detector,
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    })),
  })));
  assert.deepEqual(tables.map((tb) => tb.case), faults, 'one detection table per fault');
  for (const row of report.detection) {
    const shown = tables.find((tb) => tb.case === row.case).rows.find((r) => r.detector === row.detector);
    const [recall, precision, falseAlarms, delay, lead] = shown.cells;
    const s = row.stats;
    assert.ok(same(recall, s.recall) && same(precision, s.precision) && same(falseAlarms, s.false_alarm_rate),
      `${row.case}/${row.detector}: ${shown.cells} vs the report`);
    assert.ok(same(delay, s.delay?.median, 1) && same(lead, s.lead?.median, 1), `${row.case}/${row.detector} steps`);
  }
  const baselineMarked = await page.$$eval('#eval-detection table[data-case] tbody tr[data-detector]', (trs) => trs.filter((tr) => tr.querySelector('.badge')).map((tr) => tr.dataset.detector));
  const baselines = [...new Set(report.detection.filter((r) => r.baseline).map((r) => r.detector))];
  assert.ok(baselines.length > 0);
  assert.deepEqual([...new Set(baselineMarked)], baselines, 'course-baseline detectors are marked');

  // The confusion matrix: detectors x (faults, clean), colour-scaled.
  const matrix = await page.$$eval('#eval-matrix tbody tr', (trs) => trs.map((tr) => ({
    detector: tr.dataset.detector,
    cells: [...tr.querySelectorAll('td.heat')].map((td) => ({ text: td.textContent, bg: td.style.backgroundColor })),
  })));
  assert.deepEqual(matrix.map((r) => r.detector), report.confusion.detectors);
  report.confusion.cells.forEach((row, i) => row.forEach((v, j) => {
    const cell = matrix[i].cells[j];
    assert.ok(same(cell.text, v), `matrix ${report.confusion.detectors[i]} x ${report.confusion.columns[j]}`);
    if (v !== null && v !== undefined) assert.match(cell.bg, /^rgba?\(/, 'a coloured cell');
  }));

  // Goals: met or not, as the report says.
  const goals = await page.$$eval('#eval-goals tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('.verdict')].map((v) => v.textContent)));
  const word = (met) => (met === null || met === undefined ? 'n/a' : met ? '✓ met' : '✗ missed');
  assert.deepEqual(goals, report.goals.map((g) => [word(g.recall_met), word(g.false_alarm_met), word(g.lead_beats_baseline)]));
  assert.equal(await page.$$eval('#eval-response tbody tr', (trs) => trs.length), report.response.length);

  // Lead-time histograms: one per detector, counting the report's lead times.
  const palette = await page.evaluate(async () => (await import('./pkg/failure_lab.js')).Lab.palette());
  const histograms = await page.$$eval('#eval-leads canvas.eval-lead', (cs) => cs.map((c) => ({ detector: c.dataset.detector, count: Number(c.dataset.count) })));
  assert.deepEqual(histograms.map((h) => h.detector), report.confusion.detectors);
  for (const h of histograms) {
    const fromReport = report.detection.filter((r) => r.detector === h.detector).reduce((n, r) => n + (r.stats.lead?.n || 0), 0);
    assert.equal(h.count, fromReport, `${h.detector}: its histogram counts the report's lead times`);
    const d = leads.find((x) => x.detector === h.detector);
    const drawn = d.cases.findIndex((c) => c.leads.length > 0);
    if (drawn >= 0) {
      assert.ok(await pixelsOf(page, `#eval-leads canvas[data-detector="${h.detector}"]`, palette[drawn % palette.length]) > 50, `${h.detector}: bars in its fault's colour`);
    }
  }
  assert.ok(histograms.some((h) => h.count > 0), 'some detector warned before a failure');

  // The threshold sweep: a chosen detector's curve and table.
  const sweepDetectors = [...new Set(report.sweeps.map((s) => s.detector))];
  assert.deepEqual(await page.$$eval('#eval-sweep-detector option', (os) => os.map((o) => o.value)), sweepDetectors);
  assert.ok(await pixelsOf(page, '#eval-sweep-chart', palette[0]) > 50, 'the sweep curve of the first fault is drawn');
  const other = sweepDetectors[1];
  await page.selectOption('#eval-sweep-detector', other);
  const values = report.sweeps.filter((s) => s.detector === other && s.case === faults[0]).map((s) => String(s.value));
  assert.deepEqual(await page.$$eval('#eval-sweep-table tbody tr', (trs) => trs.map((tr) => tr.dataset.value)), values, 'the table follows the chosen detector');

  // CSV export: what the report says, byte for byte what the native command prints.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#eval-csv')]);
  assert.equal(download.suggestedFilename(), 'failure-lab-eval-2-seeds.csv');
  const exported = readFileSync(await download.path(), 'utf8');
  assert.ok(exported.length > 0);
  assert.equal(exported, csv, 'the export is the report computed in the page thread');
  const native = execFileSync(`${ROOT}target/release/failure-lab`, ['eval', '--seeds', '2', '--format', 'csv'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal(exported, native, 'the browser (wasm, in a worker) and the native command agree');
  const [detection, confusion] = csvBlocks(exported);
  assert.equal(detection.length, report.detection.length, 'one CSV row per fault and detector');
  for (const row of report.detection) {
    const line = detection.find((r) => r.case === row.case && r.detector === row.detector);
    const s = row.stats;
    assert.ok(line, `${row.case}/${row.detector} in the CSV`);
    assert.ok(same(line.recall, s.recall) && same(line.precision, s.precision) && same(line.false_alarm_rate, s.false_alarm_rate)
      && same(line.median_lead_steps, s.lead?.median, 1) && same(line.median_delay_steps, s.delay?.median, 1), `${row.case}/${row.detector} CSV row`);
    assert.equal(line.runs, String(s.runs));
    assert.equal(line.baseline, row.baseline ? '*' : '');
  }
  assert.deepEqual(confusion.map((r) => r.detector), report.confusion.detectors);

  assert.equal(await page.$eval('#notice', (n) => n.hidden), true, 'no message on the page');
  assert.deepEqual(lab.offOrigin(), [], 'no request leaves the lab origin');
  assert.deepEqual(lab.errors, [], 'no console error');
});

test('the page stays live while the suite runs, and Cancel stops the worker', async (t) => {
  const lab = await openLab('/');
  t.after(lab.close);
  const { page } = lab;
  await waitReady(lab);

  await page.click('#start');
  await page.click('#tab-eval');
  await page.fill('#eval-seeds', '20');
  await page.click('#eval-run');
  await page.waitForFunction(() => Number(document.querySelector('#eval-status').dataset.done) >= 5, null, { timeout: 60_000 });
  assert.equal(evalWorkers(page).length, 1, 'one worker runs the suite');

  // The page's own thread is free: frames keep coming, the live run keeps
  // training, and a click on another control is answered.
  const frames = await framesIn(page, 1000);
  assert.ok(frames >= 20, `${frames} animation frames in a second during the run`);
  const step0 = await page.$eval('#status', (s) => Number(s.dataset.step));
  await page.waitForFunction((s) => Number(document.querySelector('#status').dataset.step) > s + 20, step0, { timeout: 5000 });
  await page.click('#pause');
  await page.waitForFunction(() => document.querySelector('#status').dataset.state === 'paused', null, { timeout: 2000 });
  const done0 = await page.$eval('#eval-status', (s) => Number(s.dataset.done));
  await page.waitForFunction((d) => Number(document.querySelector('#eval-status').dataset.done) > d, done0, { timeout: 10_000 });
  assert.equal(await page.$eval('#eval-status', (s) => s.dataset.state), 'running');

  const closed = new Promise((resolve) => evalWorkers(page)[0].once('close', resolve));
  await page.click('#eval-cancel');
  await closed;
  assert.equal(evalWorkers(page).length, 0, 'the worker is gone');
  const status = await page.$eval('#eval-status', (s) => ({ state: s.dataset.state, done: s.dataset.done, total: s.dataset.total, text: s.textContent }));
  assert.equal(status.state, 'cancelled');
  assert.ok(Number(status.done) < Number(status.total), 'cancelled before the end');
  assert.match(status.text, new RegExp(`Cancelled after ${status.done} of ${status.total} runs`));
  await page.waitForTimeout(800);
  assert.equal(await page.$eval('#eval-status', (s) => s.dataset.done), status.done, 'no progress after Cancel');
  assert.equal(await page.$eval('#eval-run', (b) => b.disabled), false, 'a new run can start');
  assert.equal(await page.$eval('#eval-cancel', (b) => b.disabled), true);

  assert.equal(await page.$eval('#notice', (n) => n.hidden), true, 'no message on the page');
  assert.deepEqual(lab.offOrigin(), [], 'no request leaves the lab origin');
  assert.deepEqual(lab.errors, [], 'no console error');
});

test('bad seeds and options get a message, never a run or a panic; the fault filter narrows the suite', async (t) => {
  const lab = await openLab('/');
  t.after(lab.close);
  const { page } = lab;
  await waitReady(lab);
  await page.click('#tab-eval');

  for (const bad of ['0', '101', '2.5', '', '-3']) {
    await page.fill('#eval-seeds', bad);
    await page.click('#eval-run');
    const error = await page.$eval('#eval-error', (e) => (e.hidden ? '' : e.textContent));
    assert.match(error, /Seeds per case: .* must be a whole number from 1 to 100/, `'${bad}' is refused`);
    assert.equal(await page.$eval('#eval-status', (s) => s.dataset.state), 'idle', `'${bad}' starts nothing`);
    assert.equal(evalWorkers(page).length, 0);
  }

  // The wasm handle refuses what the form would not send, with a message.
  const refused = await page.evaluate(async () => {
    const { Evaluation, drawHistogram, drawCurves } = await import('./pkg-full/failure_lab.js');
    const canvas = document.createElement('canvas');
    const attempts = {
      zero: () => new Evaluation({ seeds: 0 }),
      fraction: () => new Evaluation({ seeds: 1.5 }),
      many: () => new Evaluation({ seeds: 101 }),
      fault: () => new Evaluation({ fault: 'no_such_fault' }),
      field: () => new Evaluation({ sedes: 3 }),
      histogram: () => drawHistogram(canvas, { groups: [{ label: 'x', values: [-1] }] }),
      bins: () => drawHistogram(canvas, { bins: 0 }),
      curves: () => drawCurves(canvas, { curves: [{ label: 'x', points: [{ x: 'a' }] }] }),
    };
    const out = {};
    for (const [name, f] of Object.entries(attempts)) {
      try { f(); out[name] = 'accepted'; } catch (e) { out[name] = e.message; }
    }
    // Any canvas size and any allowed data draw (or refuse), never panic.
    const histogram = { title: 'h', x_label: 'x', groups: [{ label: 'a', color: 9, values: [0, 3, 1e12] }], bins: 200 };
    const curves = { title: 'c', x_label: 'x', y_label: 'y', x_goal: [0.05, 'goal'], curves: [{ label: 'a', color: 7, points: [{ x: -1e12, y: 1e12, label: 'p', mark: true }, { x: 0, y: null }, { x: 1e12, y: -1e12 }] }] };
    out.drawn = [];
    for (const [w, h] of [[1, 1], [7, 5], [40, 30], [300, 200]]) {
      canvas.width = w;
      canvas.height = h;
      for (const [name, draw, opts] of [['histogram', drawHistogram, histogram], ['curves', drawCurves, curves], ['empty', drawHistogram, {}]]) {
        try { draw(canvas, opts); out.drawn.push(`${name} ${w}x${h}`); } catch (e) { out.drawn.push(`${name} ${w}x${h}: ${e.message}`); }
      }
    }
    return out;
  });
  assert.match(refused.zero, /seeds: 0 is not a whole number from 1 to 100/);
  assert.match(refused.fraction, /seeds: 1.5 is not a whole number/);
  assert.match(refused.many, /seeds: 101/);
  assert.match(refused.fault, /no case has the fault "no_such_fault"; known faults: lr_spike/);
  assert.match(refused.field, /no setting 'sedes' \(the settings are 'seeds', 'fault'\)/);
  assert.match(refused.histogram, /values must be from 0 to 1e12/);
  assert.match(refused.bins, /bins must be from 1 to 200/);
  assert.match(refused.curves, /curves: /);
  assert.equal(refused.drawn.length, 12, `every size drew or refused: ${refused.drawn.join('; ')}`);
  assert.ok(refused.drawn.includes('histogram 300x200') && refused.drawn.includes('curves 300x200'), refused.drawn.join('; '));

  // One fault: its case, the clean cases and its response runs.
  await page.fill('#eval-seeds', '1');
  await page.selectOption('#eval-fault', 'lr_spike');
  assert.equal(await page.$eval('#eval-error', (e) => e.hidden), true, 'a good value clears the message');
  await page.click('#eval-run');
  await page.waitForSelector('#eval-results[data-final="true"]', { timeout: 60_000 });
  const expected = await page.evaluate(async () => {
    const { Evaluation } = await import('./pkg-full/failure_lab.js');
    const e = new Evaluation({ seeds: 1, fault: 'lr_spike' });
    const p = e.progress();
    e.free();
    return p.total;
  });
  assert.equal(await page.$eval('#eval-status', (s) => Number(s.dataset.total)), expected);
  assert.deepEqual(await page.$$eval('#eval-detection table[data-case]', (ts) => ts.map((tb) => tb.dataset.case)), ['lr_spike']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#eval-csv')]);
  assert.equal(download.suggestedFilename(), 'failure-lab-eval-1-seeds-lr_spike.csv');

  // The lab still works: the wasm survived every refusal.
  await page.click('#tab-train');
  await page.click('#start');
  await page.waitForFunction(() => Number(document.querySelector('#status').dataset.step) > 10, null, { timeout: 10_000 });
  assert.deepEqual(lab.offOrigin(), [], 'no request leaves the lab origin');
  assert.deepEqual(lab.errors, [], 'no console error');
});
