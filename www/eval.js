// The Evaluate panel: runs the evaluation suite (every fault of every
// scenario times N seeds, and clean runs) in a Web Worker so the page stays
// responsive, then shows what it measured: the goals, the detection table of
// each fault, the confusion matrix, lead-time histograms, response success
// and a threshold sweep, and exports the report as CSV. Every number shown
// comes from the report the worker computed; nothing is typed in here.

// Loaded when the Evaluate tab is first opened, with the full wasm
// (www/pkg-full, initialised by main.js first) and the panel's stylesheet.

import { drawCurves, drawHistogram, Evaluation, Lab } from './pkg-full/failure_lab.js';
import { $, el } from './dom.js';
import { download } from './io.js';
import { chartScale } from './layout.js';
import { faultTitle } from './words.js';

document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: new URL('./eval.css', import.meta.url).href }));


/** A rate as the terminal prints it (two places), '–' when there is none. */
const rate = (x) => (x == null ? '–' : x.toFixed(2));
/** A step count: whole, or with one place. */
const steps = (x) => (x == null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(1));
/** "1 run", "2 runs". */
const plural = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;
/** "p10–p90" of a spread. */
const spread = (s) => (s ? `p10–p90: ${steps(s.p10)}–${steps(s.p90)} over ${s.n} runs` : '');
/** Seconds as "1 min 05 s" or "42 s". */
function duration(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** The seeds field's value (1 to `max`), or an error message. */
export function readSeeds(text, max) {
  const value = Number(String(text).trim());
  if (String(text).trim() === '' || !Number.isInteger(value) || value < 1 || value > max) {
    return { error: `Seeds per case: '${text}' must be a whole number from 1 to ${max}.` };
  }
  return { value };
}

/**
 * A table (in a box that scrolls sideways on a narrow screen) with a caption,
 * headers and rows of cells (strings or nodes, or {text, title, class, data}).
 */
function table(caption, headers, rows, props = {}) {
  const cell = (tag, c) => (c && typeof c === 'object' && !(c instanceof Node)
    ? el(tag, { text: c.text, title: c.title, class: c.class, data: c.data }, ...(c.children || []))
    : el(tag, {}, c ?? '–'));
  return el('div', { class: 'eval-scroll' }, el('table', { class: 'eval-table', ...props },
    caption ? el('caption', { text: caption }) : null,
    el('thead', {}, el('tr', {}, ...headers.map((h) => cell('th', h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', { class: r.class, data: r.data }, ...r.cells.map((c, i) => cell(i === 0 ? 'th' : 'td', c)))))));
}

/** A detector's name, with a "course" badge when it is one of the course page's own. */
const detectorName = (id, baseline) => ({
  text: '',
  children: [el('code', { text: id }), baseline ? el('span', { class: 'badge', text: 'course', title: 'A course-baseline detector (the course page\'s own)' }) : null],
});

/** A goal cell: met, missed, or not applicable. */
function verdict(met) {
  if (met == null) return { text: 'n/a', class: 'verdict na' };
  return met ? { text: '✓ met', class: 'verdict met' } : { text: '✗ missed', class: 'verdict missed' };
}

/** The Evaluate tab's panel, built when the tab is first opened (after the full wasm is initialised). */
export class EvalPanel {
  constructor({ onError }) {
    this.onError = onError;
    this.worker = null;
    this.result = null;
    this.palette = Lab.palette();
    // {default_seeds, max_seeds, recall_goal, false_alarm_goal}, from Rust.
    this.limits = Evaluation.limits();
    this.sweepDetector = null;
    this.build();
    // Charts are drawn when the panel shows (and when its size changes).
    this.resize = new ResizeObserver(() => this.requestCharts());
    this.resize.observe($('panel-eval'));
  }

  build() {
    const seeds = el('input', { id: 'eval-seeds', type: 'number', value: String(this.limits.default_seeds), attrs: { min: '1', max: String(this.limits.max_seeds), step: '1', inputmode: 'numeric' } });
    const fault = el('select', { id: 'eval-fault' },
      el('option', { value: '', text: 'every fault' }),
      ...Evaluation.faults().map((id) => el('option', { value: id, text: faultTitle(id) })));
    const form = el('form', { id: 'eval-form', class: 'eval-form', attrs: { novalidate: '' } },
      el('label', {}, 'Seeds per case', seeds),
      el('label', {}, 'Faults', fault),
      el('div', { class: 'eval-buttons' },
        el('button', { id: 'eval-run', class: 'primary', type: 'submit', text: 'Run evaluation' }),
        el('button', { id: 'eval-cancel', type: 'button', text: 'Cancel', disabled: true })));
    $('panel-eval').replaceChildren(
      el('h2', { text: 'Evaluate the detectors' }),
      el('p', { class: 'hint', text: 'Trains every fault of every scenario on each seed, and clean runs, and grades every detector on them: detection, lead time before the failure, false alarms, and whether the automatic response saves the run. It runs in the background; the lab stays usable.' }),
      form,
      el('p', { id: 'eval-error', class: 'error', hidden: true, attrs: { role: 'alert' } }),
      el('div', { id: 'eval-status', class: 'eval-status', data: { state: 'idle' } },
        el('progress', { id: 'eval-progress', max: 1, value: 0 }),
        el('span', { id: 'eval-progress-text', attrs: { role: 'status', 'aria-live': 'polite' } })),
      el('div', { id: 'eval-results', class: 'eval-results', hidden: true }));
    form.addEventListener('submit', (e) => { e.preventDefault(); this.start(); });
    seeds.addEventListener('input', () => {
      const { error } = readSeeds(seeds.value, this.limits.max_seeds);
      seeds.setAttribute('aria-invalid', String(Boolean(error)));
      this.showError(error || '');
    });
    $('eval-cancel').addEventListener('click', () => this.cancel());
  }

  showError(text) {
    $('eval-error').hidden = !text;
    $('eval-error').textContent = text;
  }

  status(state, text) {
    $('eval-status').dataset.state = state;
    $('eval-progress-text').textContent = text;
  }

  /** Starts a suite in a new worker with the form's settings. */
  start() {
    const seeds = readSeeds($('eval-seeds').value, this.limits.max_seeds);
    if (seeds.error) { this.showError(seeds.error); $('eval-seeds').focus(); return; }
    this.showError('');
    this.stop();
    const options = { seeds: seeds.value, fault: $('eval-fault').value };
    // Checked here first, so a refused setting shows at once (the worker checks again).
    try {
      new Evaluation(options).free();
    } catch (e) {
      this.showError(e.message);
      return;
    }
    const worker = new Worker(new URL('./eval-worker.js', import.meta.url), { type: 'module' });
    this.worker = worker;
    this.started = performance.now();
    this.options = options;
    worker.onmessage = ({ data }) => { if (this.worker === worker) this.onMessage(data); };
    worker.onerror = (e) => {
      if (this.worker !== worker) return;
      e.preventDefault();
      this.fail(`The evaluation worker failed: ${e.message || 'it could not load'}`);
    };
    worker.postMessage({ type: 'start', options });
    $('eval-run').disabled = true;
    $('eval-cancel').disabled = false;
    $('eval-progress').value = 0;
    $('eval-progress').removeAttribute('value');
    this.status('running', 'Starting…');
  }

  onMessage(data) {
    if (data.type === 'progress') this.progress(data.done, data.total);
    else if (data.type === 'report') this.show(data);
    else if (data.type === 'error') this.fail(`The evaluation stopped: ${data.message}`);
  }

  progress(done, total) {
    const bar = $('eval-progress');
    bar.max = total;
    bar.value = done;
    const elapsed = performance.now() - this.started;
    const left = done > 0 && done < total ? ` · about ${duration((elapsed / done) * (total - done))} left` : '';
    const status = $('eval-status');
    status.dataset.done = String(done);
    status.dataset.total = String(total);
    this.status('running', `${done} of ${total} runs · ${duration(elapsed)}${left}`);
  }

  /** Terminates the worker, if one runs. */
  stop() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    $('eval-run').disabled = false;
    $('eval-cancel').disabled = true;
  }

  cancel() {
    if (!this.worker) return;
    this.stop();
    const { done = '0', total = '?' } = $('eval-status').dataset;
    this.status('cancelled', `Cancelled after ${done} of ${total} runs.${this.result && !this.result.final ? ' The results below are partial.' : ''}`);
  }

  fail(message) {
    this.stop();
    this.status('failed', '');
    this.showError(message);
  }

  /** Shows a report (partial while the suite runs, then final); a partial one waits while the tab is hidden. */
  show(result) {
    this.result = result;
    this.stale = true;
    if (result.final) {
      const elapsed = performance.now() - this.started;
      this.stop();
      this.status('done', `Done: ${result.report.progress.total} runs in ${duration(elapsed)}.`);
      $('eval-status').dataset.ms = String(Math.round(elapsed));
    }
    if (result.final || !$('panel-eval').hidden) this.render();
  }

  render() {
    this.stale = false;
    const { report, final } = this.result;
    const p = report.progress;
    const last = report.first_seed + report.seeds - 1;
    const summary = `${p.done} of ${p.total} runs; seeds ${report.first_seed}–${last}; findings at severity ≥ ${report.min_severity}${final ? '' : ' (partial: still running)'}`;
    const csv = el('button', { id: 'eval-csv', type: 'button', text: 'Export CSV', disabled: !final, title: final ? 'Save the whole report as CSV blocks (as failure-lab eval --format csv prints it)' : 'Available when the evaluation has finished' });
    csv.addEventListener('click', () => this.exportCsv());
    const results = $('eval-results');
    results.hidden = false;
    results.dataset.final = String(Boolean(final));
    results.replaceChildren(
      el('div', { class: 'eval-head' }, el('p', { id: 'eval-summary', text: summary }), csv),
      this.goals(report),
      this.detection(report),
      this.confusion(report),
      this.leadSection(),
      this.response(report),
      this.sweepSection(report));
    this.requestCharts();
  }

  exportCsv() {
    const { csv } = this.result;
    const fault = this.options.fault ? `-${this.options.fault}` : '';
    download(`failure-lab-eval-${this.result.report.seeds}-seeds${fault}.csv`, new Blob([csv], { type: 'text/csv' }));
  }

  goals(report) {
    const { recall_goal: recall, false_alarm_goal: falseAlarms } = this.limits;
    const count = (key) => {
      const known = report.goals.filter((g) => g[key] != null);
      return `${known.filter((g) => g[key]).length} of ${known.length}`;
    };
    const rows = report.goals.map((g) => ({
      data: { case: g.case },
      cells: [
        { text: g.case },
        { text: rate(g.lab?.recall), title: g.baseline ? `course baseline: ${rate(g.baseline.recall)}` : '' },
        verdict(g.recall_met),
        { text: rate(g.lab?.false_alarm_rate), title: g.baseline ? `course baseline: ${rate(g.baseline.false_alarm_rate)}` : '' },
        verdict(g.false_alarm_met),
        { text: steps(g.lead_gain), title: `median lead: lab ${steps(g.lab?.lead?.median)}, course baseline ${steps(g.baseline?.lead?.median)} steps` },
        verdict(g.lead_beats_baseline),
        g.best_lab ? { text: '', children: [el('code', { text: g.best_lab.detector })] } : '–',
      ],
    }));
    return el('section', { id: 'eval-goals', class: 'eval-section' },
      el('h3', { text: 'Goals: the lab\'s detectors together against the course baseline' }),
      el('p', { class: 'hint', text: `Per fault, the lab's detectors taken as one (fires when any fires): recall ≥ ${recall}, false-alarm rate ≤ ${falseAlarms} on clean runs, and a lead gain above 0 (median over the runs that failed, of the lab's warning lead minus the course baseline's). Met: recall on ${count('recall_met')} faults, false alarms on ${count('false_alarm_met')}, lead gain on ${count('lead_beats_baseline')}.` }),
      table(null, ['fault', 'lab recall', `≥ ${recall}`, 'lab false alarms', `≤ ${falseAlarms}`, 'lead gain (steps)', '> 0', 'best lab detector'], rows));
  }

  detection(report) {
    const cases = [...new Set(report.detection.map((r) => r.case))];
    const tables = cases.map((c, i) => {
      const rows = report.detection.filter((r) => r.case === c);
      const s = rows[0].stats;
      const goal = report.goals.find((g) => g.case === c);
      const line = (name, st, cls, baseline = false) => ({
        class: cls,
        data: { detector: typeof name === 'string' ? name : '' },
        cells: [
          typeof name === 'string' ? detectorName(name, baseline) : name,
          rate(st?.recall), rate(st?.precision), rate(st?.false_alarm_rate),
          { text: steps(st?.delay?.median), title: spread(st?.delay) },
          { text: steps(st?.lead?.median), title: spread(st?.lead) },
        ],
      });
      const body = rows.map((r) => line(r.detector, r.stats, r.baseline ? 'baseline' : 'lab', r.baseline));
      if (goal?.baseline) body.push(line({ text: 'course baseline, together' }, goal.baseline, 'together'));
      if (goal?.lab) body.push(line({ text: 'lab, together' }, goal.lab, 'together'));
      const atOnset = s.failed_at_onset ? `; ${s.failed_at_onset} failed on the onset step (left out of recall)` : '';
      const failed = s.hard_failures - (s.emerged ?? 0);
      const outcome = s.emerged ? `${s.emerged} in which the capability emerged${failed ? `, ${failed} failed for good` : ''}` : `${failed} failed for good`;
      const caption = `${c} (${rows[0].scenario}): ${plural(s.runs, 'run')}, ${outcome}${atOnset}; ${plural(s.clean_runs, 'clean run')}`;
      return el('details', { class: 'eval-case', open: i === 0, data: { case: c } },
        el('summary', { text: caption }),
        table(null, ['detector', 'recall', 'precision', 'false-alarm rate', 'median delay', 'median lead'], body, { data: { case: c } }));
    });
    return el('section', { id: 'eval-detection', class: 'eval-section' },
      el('h3', { text: 'Detection, per fault' }),
      el('p', { class: 'hint', text: 'Course-baseline detectors are marked "course"; the lab\'s own are beside them. Delay: steps from the fault\'s onset to the first warning. Lead: steps from the first warning to the failure (only runs that failed). Hover a step count for its spread.' }),
      ...tables);
  }

  confusion(report) {
    const c = report.confusion;
    const baseline = new Set(report.detection.filter((r) => r.baseline).map((r) => r.detector));
    const rows = c.detectors.map((d, i) => ({
      data: { detector: d },
      cells: [detectorName(d, baseline.has(d)), ...c.cells[i].map((v, j) => {
        const clean = j === c.columns.length - 1;
        return { text: rate(v), class: `heat${clean ? ' clean' : ''}`, data: { value: v == null ? '' : String(v) } };
      })],
    }));
    const node = table(null, ['detector', ...c.columns.map((col) => (col === 'clean' ? 'clean (false alarms)' : col))], rows, { id: 'eval-matrix' });
    // Colour scale: teal for firing on a fault, red for firing on clean runs.
    for (const td of node.querySelectorAll('td.heat')) {
      const v = Number(td.dataset.value);
      if (td.dataset.value === '') continue;
      const [r, g, b] = td.classList.contains('clean') ? [220, 38, 38] : [15, 118, 110];
      td.style.backgroundColor = `rgba(${r}, ${g}, ${b}, ${(0.08 + 0.92 * v).toFixed(3)})`;
      if (v > 0.55) td.classList.add('dark');
    }
    return el('section', { id: 'eval-confusion', class: 'eval-section' },
      el('h3', { text: 'Confusion matrix: detectors × faults' }),
      el('p', { class: 'hint', text: 'Share of each fault\'s runs on which a detector fired at or after the onset (even too late); last column: its false-alarm rate over every clean run.' }),
      node);
  }

  /** A legend of the faulty cases `shown` in their chart colours (the colour of a case is its place in `cases`). */
  caseLegend(cases, shown, id) {
    return el('ul', { class: 'eval-legend', id }, ...cases.flatMap((c, i) => {
      if (!shown.includes(c)) return [];
      const swatch = el('span', { class: 'eval-swatch' });
      swatch.style.backgroundColor = this.palette[i % this.palette.length];
      return [el('li', {}, swatch, c)];
    }));
  }

  leadSection() {
    const { leads } = this.result;
    const cases = leads[0]?.cases.map((c) => c.case) || [];
    const cards = leads.map((d) => {
      const count = d.cases.reduce((n, c) => n + c.leads.length, 0);
      return el('figure', { class: 'eval-chart' },
        el('canvas', { class: 'eval-lead', data: { detector: d.detector, count: String(count) }, attrs: { role: 'img', 'aria-label': `Lead times of ${d.detector}: ${count} runs warned before failing` } }));
    });
    const node = el('section', { id: 'eval-leads', class: 'eval-section' },
      el('h3', { text: 'Lead time before the failure, per detector' }),
      el('p', { class: 'hint', text: 'For each run that failed for good and that the detector warned about in time: steps from its first warning to the failure. Bars stack by fault; the axis is shared.' }),
      this.caseLegend(cases, cases.filter((c) => leads.some((d) => d.cases.some((x) => x.case === c && x.leads.length))), 'eval-leads-legend'),
      el('div', { class: 'eval-grid' }, ...cards));
    return node;
  }

  response(report) {
    const rows = report.response.map((r) => ({
      class: r.fault ? '' : 'control',
      data: { case: r.case },
      cells: [r.fault ? r.case : `${r.case} (control)`, String(r.runs_without),
        rate(r.healthy_without), rate(r.healthy_with), rate(r.failed_without), rate(r.failed_with)],
    }));
    const what = report.response_measured
      ? 'Share of runs that finish healthy (reach their steps, end near their loss before the fault, above chance) on the same seeds, without and with the robust pipeline\'s automatic response. Clean rows are the control: healthy training should pass.'
      : 'Response success was not measured (no automatic response); without it only.';
    return el('section', { id: 'eval-response', class: 'eval-section' },
      el('h3', { text: 'Response success: with and without auto-respond' }),
      el('p', { class: 'hint', text: what }),
      table(null, ['case', 'runs', 'healthy without', 'healthy with', 'failed without', 'failed with'], rows));
  }

  sweepSection(report) {
    const detectors = [...new Set(report.sweeps.map((s) => s.detector))];
    if (!detectors.includes(this.sweepDetector)) [this.sweepDetector] = detectors;
    const select = el('select', { id: 'eval-sweep-detector' }, ...detectors.map((d) => el('option', { value: d, text: d, selected: d === this.sweepDetector })));
    select.addEventListener('change', () => {
      this.sweepDetector = select.value;
      $('eval-sweep-table').replaceWith(this.sweepTable(report));
      $('eval-sweep-legend').replaceWith(this.sweepLegend(report));
      this.requestCharts();
    });
    return el('section', { id: 'eval-sweep', class: 'eval-section' },
      el('h3', { text: 'Threshold sweep: lead time against false alarms' }),
      el('p', { class: 'hint', text: 'One detector rebuilt at each value of one setting, graded on the same runs. Each point is a value (the default ringed): its false-alarm rate on clean runs, and the median lead before the failure on each fault that failed.' }),
      el('label', { class: 'eval-pick' }, 'Detector ', select),
      this.sweepLegend(report),
      el('figure', { class: 'eval-chart wide' }, el('canvas', { id: 'eval-sweep-chart', attrs: { role: 'img', 'aria-label': 'Median lead time against false-alarm rate for each setting' } })),
      this.sweepTable(report));
  }

  /** The legend of the faults drawn on the sweep chart. */
  sweepLegend(report) {
    const cases = [...new Set(report.sweeps.map((s) => s.case))];
    return this.caseLegend(cases, this.sweepCurves(report, 1).curves.map((k) => k.label), 'eval-sweep-legend');
  }

  sweepTable(report) {
    const rows = report.sweeps.filter((s) => s.detector === this.sweepDetector);
    const cases = [...new Set(rows.map((r) => r.case))];
    const values = [...new Set(rows.map((r) => r.value))];
    const parameter = rows[0]?.parameter || '';
    const body = values.map((v) => {
      const at = rows.filter((r) => r.value === v);
      const fa = [...new Set(at.map((r) => rate(r.stats.false_alarm_rate)))].join(' / ');
      return {
        class: at[0].default ? 'default' : '',
        data: { value: String(v) },
        cells: [`${v}${at[0].default ? ' (default)' : ''}`, fa,
          ...cases.map((c) => {
            const r = at.find((x) => x.case === c);
            return { text: `${rate(r?.stats.recall)} · ${steps(r?.stats.lead?.median)}`, title: `${c}: recall ${rate(r?.stats.recall)}, precision ${rate(r?.stats.precision)}, median lead ${steps(r?.stats.lead?.median)} steps` };
          })],
      };
    });
    return el('div', { id: 'eval-sweep-table' },
      table(`${this.sweepDetector}: ${parameter}; per fault, recall · median lead (steps)`, [parameter, 'false-alarm rate', ...cases], body));
  }

  /** Redraws the charts at the next frame (after a render or a resize). */
  requestCharts() {
    if (this.chartsPending || !this.result) return;
    this.chartsPending = true;
    requestAnimationFrame(() => {
      this.chartsPending = false;
      this.drawCharts();
    });
  }

  drawCharts() {
    if ($('panel-eval').hidden || !this.result) return;
    if (this.stale) { this.render(); return; }
    const ratio = (window.devicePixelRatio || 1) * chartScale();
    const fit = (canvas) => {
      const w = Math.max(1, Math.round(canvas.clientWidth * (window.devicePixelRatio || 1)));
      const h = Math.max(1, Math.round(canvas.clientHeight * (window.devicePixelRatio || 1)));
      if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
      return w > 1 && h > 1;
    };
    const { leads, report } = this.result;
    const max = Math.max(1, ...leads.flatMap((d) => d.cases.flatMap((c) => c.leads)));
    try {
      for (const canvas of document.querySelectorAll('#eval-leads canvas.eval-lead')) {
        if (!fit(canvas)) continue;
        const d = leads.find((x) => x.detector === canvas.dataset.detector);
        drawHistogram(canvas, {
          title: `${d.detector}${d.baseline ? ' (course)' : ''}: ${canvas.dataset.count} warned in time`,
          x_label: 'steps from first warning to failure',
          groups: d.cases.map((c, i) => ({ label: c.case, color: i, values: c.leads })),
          max,
          empty: 'never warned before a failure',
          pixel_ratio: ratio,
        });
      }
      const canvas = $('eval-sweep-chart');
      if (canvas && fit(canvas)) drawCurves(canvas, this.sweepCurves(report, ratio));
    } catch (e) {
      this.onError(`Evaluation charts: ${e.message}`);
    }
  }

  /** The sweep chart of the chosen detector: one curve per fault, a point per value. */
  sweepCurves(report, ratio) {
    const rows = report.sweeps.filter((s) => s.detector === this.sweepDetector);
    const allCases = [...new Set(report.sweeps.map((s) => s.case))];
    const curves = allCases.map((c, i) => ({
      label: c,
      color: i,
      points: rows.filter((r) => r.case === c && r.stats.false_alarm_rate != null).map((r) => ({
        x: r.stats.false_alarm_rate,
        y: r.stats.lead?.median ?? null,
        label: String(r.value),
        mark: r.default,
      })),
    })).filter((k) => k.points.some((p) => p.y != null));
    return {
      title: `${this.sweepDetector}: ${rows[0]?.parameter || ''}`,
      x_label: 'false-alarm rate (clean runs)',
      y_label: 'median lead (steps)',
      curves,
      x_goal: [this.limits.false_alarm_goal, `goal ≤ ${this.limits.false_alarm_goal}`],
      empty: 'no value warned before a failure',
      pixel_ratio: ratio,
    };
  }
}
