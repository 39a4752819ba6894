// "Your detectors", graded: one click runs the evaluation suite (every fault
// of every group and the clean runs, a choice of seeds, the same runs as
// `failure-lab grade`) with the student's detectors as the candidates, and
// shows per fault and detector recall, false-alarm rate and median lead
// time beside the course baseline and the lab's best, and a checklist per
// group of the course. Nothing runs on the page's thread: RECORDERS
// grade-worker.js (wasm) share the runs, recording them one at a time, and
// the first grades the findings with the suite's own scoring;
// PYTHON_WORKERS py-grade-worker.js (Pyodide, the native grader's harness)
// read each whole run in one call. The page only passes the runs' frames
// (JSON text) and records from one to the other.
//
// Loaded with the "Your detectors" place (py-detectors.js), so nothing of
// it is fetched before that tab is opened.

import init, { Evaluation } from './pkg-full/failure_lab.js';
import { $, el } from './dom.js';

/** Python workers reading runs side by side. */
const PYTHON_WORKERS = 2;
/** Workers recording the suite's runs side by side (training the runs costs more than Python reading them). */
const RECORDERS = 2;
/** A run's detectors (every file's) must answer within this long, in ms, or grading stops. */
const RUN_BUDGET_MS = 30_000;

/** The course's groups, the faults each answers, and the lab's reference solution of each. */
export const GROUPS = [
  { id: 'optimization', title: 'Gradients and optimisation', faults: ['lr_spike', 'lr_collapse', 'init_too_large', 'vanishing', 'plateau', 'oscillation', 'corrupt_batch'] },
  { id: 'data', title: 'Data quality', faults: ['class_imbalance', 'label_noise', 'data_contamination'] },
  { id: 'alignment', title: 'The agent\'s alignment', faults: ['reward_hacking', 'mode_collapse', 'deceptive_alignment'] },
  { id: 'emergence', title: 'Emergence', faults: ['grokking'] },
];
/** The reference solutions as files to grade. */
export const solutionFiles = () => Promise.all(GROUPS.map(async (g) => {
  const r = await fetch(new URL(`./py/solutions/${g.id}.py`, import.meta.url));
  if (!r.ok) throw new Error(`py/solutions/${g.id}.py: HTTP ${r.status}`);
  return { name: `${g.id}.py`, source: await r.text() };
}));

const rate = (x) => (x == null ? '–' : x.toFixed(2));
const steps = (x) => (x == null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(1));
function duration(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** A harness error as `failure-lab grade` words it: "kind: message (run N: case, seed S)". */
export function errorText(e, runs) {
  if (typeof e === 'string') return e;
  const run = runs.find((r) => r.index === e.run);
  const where = e.run == null ? '' : run ? ` (run ${e.run}: ${run.case}, seed ${run.seed})` : ` (run ${e.run})`;
  return `${e.kind}: ${e.message}${where}`;
}

/**
 * One grading: `files` ([{name, source}]) on the suite of `options`
 * ({seeds}); `onProgress({recorded, graded, total})`, then `onDone({files:
 * [{name, rows, report, error}], lab, runs, ms})` or `onError({message,
 * error, file})`. `cancel()` terminates every worker.
 */
export class Grader {
  constructor({ files, options, onProgress, onDone, onError, pythonWorkers = PYTHON_WORKERS, recorders = RECORDERS }) {
    Object.assign(this, { files, options, onProgress, onDone, onError });
    this.started = performance.now();
    this.queue = [];          // recorded runs waiting for Python: {index, case, seed, frames}
    this.runs = [];           // {index, case, seed} handed over, by index
    this.total = null;
    this.recorded = 0;
    this.graded = 0;
    this.partsDone = 0;
    this.records = [];        // the records of runs recorded by the other recorders: {index, record}
    this.over = false;
    this.results = [];
    this.recs = Array.from({ length: recorders }, () => this.worker('grade-worker.js', (d) => this.fromRecorder(d)));
    [this.rec] = this.recs;
    this.py = Array.from({ length: pythonWorkers }, () => {
      const p = { ready: false, busy: null, timer: null };
      p.worker = this.worker('py-grade-worker.js', (d) => this.fromPython(p, d));
      p.worker.postMessage({ type: 'files', files });
      return p;
    });
    this.recs.forEach((w, part) => w.postMessage({ type: 'start', options, part, parts: recorders }));
  }

  worker(file, onMessage) {
    const w = new Worker(new URL(`./${file}`, import.meta.url), { type: 'module' });
    w.onmessage = ({ data }) => { if (!this.over) onMessage(data); };
    w.onerror = (e) => { e.preventDefault(); this.fail({ message: `The grading worker ${file} failed: ${e.message || 'it could not load'}` }); };
    return w;
  }

  cancel() {
    this.over = true;
    for (const w of this.recs) w.terminate();
    for (const p of this.py) { clearTimeout(p.timer); p.worker.terminate(); }
  }

  fail(what) {
    if (this.over) return;
    this.cancel();
    this.onError(what);
  }

  progress() {
    this.onProgress({ recorded: this.recorded, graded: this.graded, total: this.total });
  }

  fromRecorder(d) {
    if (d.type === 'run') {
      this.total = d.total;
      this.recorded += 1;
      this.runs[d.index] = { index: d.index, case: d.case, seed: d.seed };
      if (d.record) this.records.push({ index: d.index, record: d.record });
      this.queue.push(d);
      this.progress();
      this.dispatch();
    } else if (d.type === 'recorded') {
      this.partsDone += 1;
      this.total = d.total;
      this.finishIfDone();
    } else if (d.type === 'graded') {
      this.over = true;
      this.cancel();
      this.onDone({ files: d.files, lab: d.lab, runs: this.runs, ms: performance.now() - this.started });
    } else if (d.type === 'error') {
      this.fail({ message: `The grading stopped: ${d.message}` });
    }
  }

  fromPython(p, d) {
    if (d.type === 'ready') {
      p.ready = true;
      this.dispatch();
    } else if (d.type === 'graded') {
      clearTimeout(p.timer);
      this.graded += 1;
      this.recs[p.busy.part].postMessage({ type: 'ack' });
      p.busy = null;
      this.progress();
      this.dispatch();
      this.finishIfDone();
    } else if (d.type === 'results') {
      this.results.push(d.files);
      if (this.results.length === this.py.length) this.grade();
    } else if (d.type === 'error') {
      this.fail({ message: d.message });
    }
  }

  /** Hands waiting runs to free Python workers. */
  dispatch() {
    for (const p of this.py) {
      if (!p.ready || p.busy || !this.queue.length) continue;
      const run = this.queue.shift();
      p.busy = run;
      p.timer = setTimeout(() => this.overran(run), RUN_BUDGET_MS);
      p.worker.postMessage({ type: 'run', index: run.index, frames: run.frames });
    }
  }

  overran(run) {
    const names = this.files.map((f) => f.name).join(', ');
    this.fail({ message: `Your detectors (${names}) did not return within ${RUN_BUDGET_MS / 1000} s on run ${run.index}: ${run.case}, seed ${run.seed} (an endless loop?). Grading was stopped.`, kind: 'timeout' });
  }

  finishIfDone() {
    if (this.partsDone < this.recs.length || this.graded < this.total || this.asked) return;
    this.asked = true;
    for (const p of this.py) p.worker.postMessage({ type: 'results' });
  }

  /** Every worker's findings merged per file, in run order, then graded by the recorder. */
  grade() {
    const files = this.files.map((f, i) => {
      const parts = this.results.map((r) => r[i]);
      const errors = parts.map((x) => x.error).filter(Boolean).sort((a, b) => a.run - b.run);
      const detectors = parts.find((x) => x.detectors)?.detectors || [];
      if (errors.length) return { name: f.name, detectors, findings: [], error: errorText(errors[0], this.runs), raw: errors[0] };
      const findings = [];
      for (let index = 0; index < this.total; index += 1) {
        findings.push(parts.find((x) => x.findings[index])?.findings[index] || []);
      }
      return { name: f.name, detectors, findings, error: null };
    });
    this.rawErrors = files.map((f) => f.raw || null);
    this.rec.postMessage({ type: 'grade', files: files.map(({ raw, ...f }) => f), records: this.records });
  }
}

/** A goal cell: met, missed, or not applicable. */
const verdict = (met) => (met == null ? { text: 'n/a', cls: 'na' } : met ? { text: '✓', cls: 'met' } : { text: '✗', cls: 'missed' });

/** The grading section of the "Your detectors" place. `place`: the PyDetectors (its editor, errors). */
export class PyGrade {
  constructor({ place, panel }) {
    this.place = place;
    this.grader = null;
    init().then(() => {
      this.limits = Evaluation.limits();
      this.build(panel);
    }).catch((e) => place.say('error', `Grading could not load: ${e.message}`));
  }

  build(panel) {
    const { default_seeds: seeds, max_seeds: max, recall_goal: recall, false_alarm_goal: fa } = this.limits;
    this.seeds = el('input', { id: 'py-grade-seeds', type: 'number', value: String(seeds), attrs: { min: '1', max: String(max), step: '1', inputmode: 'numeric' } });
    this.what = el('select', { id: 'py-grade-what' },
      el('option', { value: 'mine', text: 'your detectors (the editor)' }),
      el('option', { value: 'solutions', text: 'the lab’s reference solutions' }));
    this.button = el('button', { id: 'py-grade', class: 'primary', type: 'button', text: 'Grade', onclick: () => this.start() });
    this.cancelButton = el('button', { id: 'py-grade-cancel', type: 'button', text: 'Cancel', disabled: true, onclick: () => this.cancel() });
    this.bar = el('progress', { id: 'py-grade-progress', max: 1, value: 0 });
    this.status = el('span', { id: 'py-grade-status', attrs: { role: 'status', 'aria-live': 'polite' }, data: { state: 'idle' } });
    this.out = el('div', { id: 'py-grade-results', class: 'py-grade-results', hidden: true });
    this.section = el('section', { id: 'py-grade-section', class: 'py-grade' },
      el('h3', { text: 'Grade them' }),
      el('p', { class: 'hint', text: `Runs the evaluation suite, the runs failure-lab grade uses (every fault of every group and clean runs, each seed), with your detectors as the candidates: per fault and detector, recall, false-alarm rate and median lead time, beside the course baseline and the lab’s best. A group passes when, on each of its faults, your detectors together catch at least ${recall * 100}% of the runs (recall ≥ ${recall}) and fire on at most ${fa * 100}% of the clean runs (false alarms ≤ ${fa}); findings below warning do not count. It runs in the background.` }),
      el('div', { class: 'py-buttons' },
        el('label', {}, 'Grade ', this.what),
        el('label', {}, 'Seeds per case ', this.seeds),
        this.button, this.cancelButton),
      el('div', { class: 'py-grade-status' }, this.bar, this.status),
      this.out);
    const doc = panel.querySelector('.py-doc');
    if (doc) doc.before(this.section); else panel.append(this.section);
  }

  say(state, text) {
    this.status.dataset.state = state;
    this.status.textContent = text;
  }

  async start() {
    const n = Number(this.seeds.value);
    if (!Number.isInteger(n) || n < 1 || n > this.limits.max_seeds) {
      this.say('error', `Seeds per case: '${this.seeds.value}' must be a whole number from 1 to ${this.limits.max_seeds}.`);
      return;
    }
    this.cancel(true);
    let files;
    try {
      files = this.what.value === 'solutions' ? await solutionFiles() : [{ name: 'detectors.py', source: this.place.source() }];
    } catch (e) {
      this.say('error', e.message);
      return;
    }
    if (this.what.value === 'mine') this.place.save();
    this.button.disabled = true;
    this.cancelButton.disabled = false;
    this.bar.removeAttribute('value');
    this.say('running', 'Starting Python and the runs…');
    this.grader = new Grader({
      files,
      options: { seeds: n },
      onProgress: (p) => this.progress(p),
      onDone: (r) => this.done(r),
      onError: (e) => this.failed(e),
    });
  }

  progress({ recorded, graded, total }) {
    this.bar.max = total;
    this.bar.value = graded;
    const ms = performance.now() - this.grader.started;
    const left = graded > 0 && graded < total ? ` · about ${duration((ms / graded) * (total - graded))} left` : '';
    Object.assign(this.status.dataset, { graded: String(graded), total: String(total) });
    this.say('running', `${graded} of ${total} runs graded (${recorded} trained) · ${duration(ms)}${left}`);
  }

  cancel(quiet = false) {
    if (!this.grader) return;
    const { graded = '0', total = '?' } = this.status.dataset;
    this.grader.cancel();
    this.grader = null;
    this.button.disabled = false;
    this.cancelButton.disabled = true;
    if (!quiet) this.say('cancelled', `Cancelled after ${graded} of ${total} runs.`);
  }

  failed(e) {
    this.grader = null;
    this.button.disabled = false;
    this.cancelButton.disabled = true;
    this.say('error', e.message);
  }

  done({ files, lab, runs, ms }) {
    const raw = this.grader?.rawErrors || [];
    this.grader = null;
    this.button.disabled = false;
    this.cancelButton.disabled = true;
    this.bar.max = 1;
    this.bar.value = 1;
    this.status.dataset.ms = String(Math.round(ms));
    const seeds = lab.seeds;
    this.say('done', `Graded on ${runs.length} runs (seeds ${lab.first_seed}–${lab.first_seed + seeds - 1}) in ${duration(ms)}.`);
    const mine = files.length === 1 && files[0].name === 'detectors.py';
    const first = files.findIndex((f) => f.error);
    if (mine && first === 0 && raw[0]) {
      const e = raw[0];
      this.place.showError(`Grading stopped: ${files[0].error.split('\n')[0]}`, e.line, e.traceback || '');
    }
    this.out.hidden = false;
    this.out.replaceChildren(...files.flatMap((f) => this.fileReport(f, lab, files.length > 1)));
  }

  /** One file's checklist and tables (or its error). */
  fileReport(file, lab, named) {
    const head = named ? [el('h4', { text: file.name })] : [];
    if (file.error) return [...head, el('p', { class: 'error py-grade-error', data: { file: file.name }, text: file.error })];
    return [...head, this.checklist(file), this.table(file, lab)];
  }

  checklist(file) {
    const goals = file.report.goals;
    const items = GROUPS.map((g) => {
      const rows = g.faults.map((fault) => goals.find((x) => x.fault === fault)).filter(Boolean);
      if (!rows.length) return null;
      const pass = rows.every((r) => r.recall_met !== false && r.false_alarm_met !== false);
      const faults = rows.map((r) => {
        const ok = r.recall_met !== false && r.false_alarm_met !== false;
        const v = verdict(r.recall_met == null && r.false_alarm_met == null ? null : ok);
        return el('li', { class: `verdict ${v.cls}`, data: { fault: r.fault }, text: `${v.text} ${r.fault}: recall ${rate(r.lab?.recall)}, false alarms ${rate(r.lab?.false_alarm_rate)}` });
      });
      return el('li', { class: pass ? 'pass' : 'fail', data: { group: g.id, pass: String(pass) } },
        el('b', { text: `${pass ? '✓ passes' : '✗ not yet'}: ${g.title}` }), el('ul', {}, ...faults));
    });
    return el('ul', { class: 'py-grade-checklist', data: { file: file.name } }, ...items);
  }

  table(file, lab) {
    const body = [];
    for (const goal of file.report.goals) {
      const mineRows = file.rows.filter((r) => r.fault === goal.fault);
      const labGoal = lab.goals.find((g) => g.fault === goal.fault);
      mineRows.forEach((r, i) => body.push(el('tr', { class: r.detector === '(all)' ? 'together' : 'yours', data: { file: file.name, fault: r.fault, detector: r.detector } },
        i === 0 ? el('th', { text: goal.fault, attrs: { rowspan: String(mineRows.length + 2), scope: 'rowgroup' } }) : null,
        el('td', {}, el('code', { text: r.detector === '(all)' ? 'yours, together' : r.detector })),
        el('td', { data: { key: 'recall', value: String(r.recall) }, text: rate(r.recall) }),
        el('td', { data: { key: 'false_alarm_rate', value: String(r.false_alarm_rate) }, text: rate(r.false_alarm_rate) }),
        el('td', { data: { key: 'median_lead_steps', value: String(r.median_lead_steps) }, text: steps(r.median_lead_steps) }))));
      const ref = (cls, name, s) => el('tr', { class: cls, data: { fault: goal.fault } },
        el('td', { text: name }), el('td', { text: rate(s?.recall) }), el('td', { text: rate(s?.false_alarm_rate) }), el('td', { text: steps(s?.lead?.median) }));
      body.push(ref('baseline', 'course baseline', labGoal?.baseline));
      body.push(ref('best', `lab’s best: ${labGoal?.best_lab?.detector || '–'}`, labGoal?.best_lab?.stats));
    }
    return el('div', { class: 'eval-scroll' }, el('table', { class: 'py-grade-table', data: { file: file.name } },
      el('thead', {}, el('tr', {}, ...['fault', 'detector', 'recall', 'false alarms', 'median lead (steps)'].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...body)));
  }
}
