// "Your detectors": the student writes detectors in Python in a code editor
// (CodeMirror, www/vendor/codemirror.js) and they run on the live run beside
// the lab's own, in a worker (py-worker.js, Pyodide): the page forwards the
// live run's new metric points as frames, a chunk at a time, and lists the
// findings that come back, tagged as the student's, in the alert list and
// on the charts. Loaded by main.js when the place is first opened: nothing
// of Pyodide or CodeMirror is fetched before.
//
// Safe: the code runs only in the worker. A chunk has a time budget: Python
// stops a detector that overruns it (trace check), and the page terminates
// a worker that still does not answer; either way the message names the
// detector and the step, and the code stays off until it is edited.

import {
  EditorState, EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, defaultKeymap, history, historyKeymap, indentWithTab,
  syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching, indentUnit, python,
} from './vendor/codemirror.js';
import { $, el } from './dom.js';
import { download } from './io.js';

document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: new URL('./py-detectors.css', import.meta.url).href }));

/** Where the code is kept as it is typed. */
export const STORAGE_KEY = 'failure-lab:your-detectors.py';
/** Typing saves this long after the last key, in ms. */
const SAVE_MS = 400;
/** New frames go to Python at most this often, in ms. */
const CHUNK_MS = 250;
/** At most this many frames a chunk (a replay of a long run goes in several). */
const CHUNK_FRAMES = 1000;
/** Python stops a chunk's detectors after this long (py-worker.js BUDGET_S); the page waits GRACE_MS more. */
const BUDGET_MS = 2000;
const GRACE_MS = 1500;
/** A number as Python's json module reads it (NaN and infinities too). */
const num = (v) => (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
/** Frames as JSON text: far faster for Python to read than a JS object it converts. */
export const framesJson = (frames) => `[${frames.map((f) => `{"step":${f.step},"metrics":{${
  Object.entries(f.metrics).map(([k, v]) => `${JSON.stringify(k)}:${num(v)}`).join(',')}}}`).join(',')}]`;

/** At most this many findings of the student's a run go to the alerts and charts (a detector that fires every step floods); the rest are counted. */
const MAX_LISTED = 5000;
/**
 * At most this many frames wait for Python; past that the oldest are
 * skipped. Above the live history's 32,768 points a metric, so that a replay
 * of the run so far is never cut.
 */
const MAX_PENDING = 50_000;
/** A student's detector id as the alert list shows it. */
export const mine = (id) => `you: ${id}`;

/**
 * The place: editor, buttons, state line, documentation; and the runner
 * feeding the live run to the student's detectors.
 * `live`: the page's Live (its view, steps and `tap`); `metricTitles`:
 * {name: title}; `onFindings(findings)`: new findings of the student's
 * detectors (already in the lab's shape, detector prefixed "you: ").
 */
export class PyDetectors {
  constructor({ panel, live, metricTitles, onFindings, starter }) {
    Object.assign(this, { live, metricTitles, onFindings });
    this.panel = panel;
    this.worker = null;
    this.pyReady = false;
    this.gen = 0;            // the run of detectors now: bumps on Run, reset and errors
    this.chunk = 0;
    this.inFlight = null;    // {chunk, first, timer}
    this.pending = [];       // frames not yet sent
    this.lastStep = -1;      // the last step taken from the live run
    this.active = false;     // detectors loaded and watching
    this.ids = [];
    this.started = null;     // the last 'start' of the chunk in flight: {detector, step}
    this.disabledSource = null; // code that overran its budget: off until edited
    this.count = 0;
    this.skipped = 0;
    this.saveTimer = null;
    this.loadTimer = null;
    this.build(localStorage.getItem(STORAGE_KEY) ?? starter);
    this.startWorker();
    live.tap = this;
    setInterval(() => this.pump(), CHUNK_MS);
  }

  // ---- the place ----------------------------------------------------------

  build(source) {
    const titles = Object.entries(this.metricTitles);
    this.stateLine = el('p', { id: 'py-state', class: 'py-state', attrs: { role: 'status', 'aria-live': 'polite' }, data: { state: 'loading' } });
    this.errorBox = el('pre', { id: 'py-error', class: 'py-error', hidden: true });
    this.gotoLine = el('button', { id: 'py-goto', class: 'link-button', type: 'button', hidden: true });
    const fileInput = el('input', { type: 'file', id: 'py-import', accept: '.py,text/x-python,text/plain' });
    fileInput.addEventListener('change', () => this.importFile(fileInput));
    this.runButton = el('button', { id: 'py-run', class: 'primary', type: 'button', text: 'Run', title: 'Load your detectors and run them on the live run (from its first step)', onclick: () => this.run() });
    this.stopButton = el('button', { id: 'py-stop', type: 'button', text: 'Stop', title: 'Stop your detectors', onclick: () => this.stop('Stopped. Press Run to start your detectors again.') });
    // The editor lives in a shadow root: CodeMirror then styles it with
    // constructed style sheets, which the page's CSP (style-src 'self') allows,
    // where in the document it would insert <style> elements, which it refuses.
    const host = el('div', { id: 'py-editor', class: 'py-editor' });
    const shadow = host.attachShadow({ mode: 'open' });
    const inner = document.createElement('div');
    shadow.append(inner);
    this.panel.replaceChildren(
      el('h2', { text: 'Your detectors (Python)' }),
      el('p', { class: 'hint', text: 'Write detectors as the course does: Python classes. Run starts them on the live run beside the lab’s own; their findings are tagged “yours” in the alerts. The code is saved in this browser as you type.' }),
      el('div', { class: 'py-buttons' },
        this.runButton, this.stopButton,
        el('button', { id: 'py-save', type: 'button', text: 'Save', title: 'Save now (it is also saved as you type)', onclick: () => this.save(true) }),
        el('button', { id: 'py-export', type: 'button', text: 'Export .py', onclick: () => this.exportFile() }),
        el('label', { class: 'button' }, 'Import .py… ', fileInput)),
      this.stateLine, this.gotoLine, this.errorBox, host,
      el('details', { class: 'py-doc', open: true },
        el('summary', { text: 'The interface' }),
        el('p', {}, 'A detector is a class with ', el('code', { text: 'observe(self, step, metrics)' }),
          ', made with no arguments. It is called once per training step, in step order; ',
          el('code', { text: 'metrics' }), ' maps the step’s metric names to floats (a metric the learner does not report is absent: use ',
          el('code', { text: 'metrics.get(name)' }), '; a value can be nan or inf). Its ', el('code', { text: 'id' }),
          ' attribute names it (else its class name).'),
        el('p', {}, 'It returns ', el('code', { text: 'None' }), ' when all is well, or a finding: ',
          el('code', { text: 'Finding(severity, message, recommendation)' }), ' (', el('code', { text: 'from failure_lab import Finding' }),
          ') or a dict with those keys; severity is "info", "warning" or "critical".'),
        el('p', {}, 'A chunk of steps (a quarter of a second of training) may take ', el('b', { text: `${BUDGET_MS / 1000} s` }),
          ' for all your detectors together; a detector that runs longer is stopped and stays off until you edit the code. Python’s standard library is there (math, statistics, collections); numpy is not. Run starts them on the run so far (past 32,768 steps its older part is thinned, as the charts are), then they see every new step.'),
        el('p', {}, 'The metrics (the classifier reports the first ones, the agent the last ones; ',
          el('code', { text: 'grad_norm/0' }), ', ', el('code', { text: 'grad_norm/1' }), ' … are per layer):'),
        el('table', { class: 'py-metrics' },
          el('thead', {}, el('tr', {}, el('th', { text: 'name' }), el('th', { text: 'what' }))),
          el('tbody', {}, ...titles.map(([name, title]) => el('tr', {}, el('td', {}, el('code', { text: name })), el('td', { text: title })))))));
    const onSpace = (e) => { if (e.key === ' ') e.stopPropagation(); }; // Space types, it does not start training
    this.view = new EditorView({
      root: shadow,
      parent: inner,
      state: EditorState.create({
        doc: source,
        extensions: [
          lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
          indentOnInput(), bracketMatching(), highlightActiveLine(), indentUnit.of('    '),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }), python(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ 'aria-label': 'Your detectors, Python code' }),
          EditorView.theme({
            '&': { maxHeight: '60vh', fontSize: '0.85rem', backgroundColor: '#fff' },
            '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, "SF Mono", Menlo, Consolas, monospace' },
            '&.cm-focused': { outline: '2px solid #0f766e' },
          }),
          EditorView.updateListener.of((u) => { if (u.docChanged) this.edited(); }),
        ],
      }),
    });
    this.view.dom.addEventListener('keydown', onSpace);
  }

  source() {
    return this.view.state.doc.toString();
  }

  edited() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_MS);
    if (this.disabledSource !== null && this.source() !== this.disabledSource) {
      this.disabledSource = null;
      this.buttons();
    }
  }

  save(now = false) {
    clearTimeout(this.saveTimer);
    try {
      localStorage.setItem(STORAGE_KEY, this.source());
      if (now) this.say(this.stateLine.dataset.state, `${this.stateLine.textContent.replace(/ · saved$/, '')} · saved`);
    } catch (e) {
      this.say('error', `Could not save the code in this browser: ${e.message}`);
    }
  }

  exportFile() {
    this.save();
    download('detectors.py', new Blob([this.source()], { type: 'text/x-python' }));
  }

  async importFile(input) {
    const file = input.files[0];
    input.value = '';
    if (!file) return;
    const text = await file.text();
    // One transaction: Undo brings the old code back.
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    this.save();
    this.say('idle', `Imported ${file.name}. Press Run to start it.`);
  }

  /** The state line: `state` (loading, idle, running, error, stopped) and a text. */
  say(state, text) {
    this.stateLine.dataset.state = state;
    this.stateLine.textContent = text;
  }

  /** Shows an error from Python: its message, the line (with a button there) and the traceback. */
  showError(text, line = null, traceback = '') {
    this.say('error', text);
    this.errorBox.hidden = !traceback;
    this.errorBox.textContent = traceback;
    this.gotoLine.hidden = !line;
    if (line) {
      this.gotoLine.textContent = `Go to line ${line}`;
      this.gotoLine.onclick = () => {
        const doc = this.view.state.doc;
        const at = doc.line(Math.min(Math.max(1, line), doc.lines));
        this.view.dispatch({ selection: { anchor: at.from, head: at.to }, scrollIntoView: true });
        this.view.focus();
      };
    }
  }

  clearError() {
    this.errorBox.hidden = true;
    this.gotoLine.hidden = true;
  }

  buttons() {
    this.runButton.disabled = !this.pyReady || this.disabledSource !== null;
    this.runButton.title = this.disabledSource !== null
      ? 'Your code overran its time budget: edit it to run it again'
      : 'Load your detectors and run them on the live run (from its first step)';
    this.stopButton.disabled = !this.active;
  }

  // ---- the worker -----------------------------------------------------------

  startWorker() {
    this.pyReady = false;
    this.worker = new Worker(new URL('./py-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.fail(`The Python worker failed: ${e.message || 'it could not load'}`);
    };
    // A fresh worker after a stopped one keeps the message about it.
    if (this.stateLine.dataset.state !== 'error') this.say('loading', 'Loading Python…');
    this.buttons();
  }

  /** Run: (re)load the code; the detectors watch the live run from its first step. */
  run() {
    if (!this.pyReady || this.disabledSource !== null) return;
    this.save();
    this.clearError();
    this.gen += 1;
    this.active = false;
    this.pending = [];
    this.count = 0;
    this.skipped = 0;
    this.say('loading', 'Loading your detectors…');
    const gen = this.gen;
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => this.loadOverran(gen), BUDGET_MS + GRACE_MS);
    this.worker.postMessage({ type: 'load', gen, source: this.source() });
    this.buttons();
  }

  /** The file's loading did not finish in time (a loop at its top level or in a constructor, into C). */
  loadOverran(gen) {
    if (gen !== this.gen || this.active) return;
    this.worker.terminate();
    this.disable(`Your file did not finish loading within ${BUDGET_MS / 1000} s (an endless loop at its top level or in a constructor?). It was stopped; edit the code to run it again.`);
    this.startWorker();
  }

  /** Stops the detectors (their findings stay listed). */
  stop(text) {
    this.gen += 1;
    this.active = false;
    this.pending = [];
    this.say('stopped', text);
    this.buttons();
  }

  /** The live run was reset or replaced: the detectors start again, new instances, from step 0. */
  reset() {
    this.lastStep = -1;
    this.pending = [];
    this.count = 0;
    this.skipped = 0;
    if (this.active) this.run();
  }

  /** New points of the live run (Live.take's message): frames by step, from what is new. */
  points(data) {
    if (!this.active) return;
    const frames = new Map();
    let last = this.lastStep;
    for (const s of data.series) {
      if (s.twin) continue;
      const { steps, values } = s;
      // The history rewrites a thinned series' older points (sent again after `keep`): only the points after the last step taken are new.
      let i = steps.length;
      while (i > 0 && steps[i - 1] > this.lastStep) i -= 1;
      for (; i < steps.length; i += 1) {
        const step = steps[i];
        let f = frames.get(step);
        if (!f) frames.set(step, (f = { step, metrics: {} }));
        f.metrics[s.name] = values[i];
        if (step > last) last = step;
      }
    }
    this.lastStep = last;
    if (frames.size) this.pending.push(...[...frames.values()].sort((a, b) => a.step - b.step));
    // Python slower than training (flat out): the oldest frames waiting are dropped, and counted.
    if (this.pending.length > MAX_PENDING) {
      this.skipped += this.pending.splice(0, this.pending.length - MAX_PENDING).length;
      this.say('running', this.watching());
    }
  }

  /** The whole live run so far as frames (what the page holds of it), for detectors that start mid-run. */
  replay() {
    const view = this.live.view;
    const frames = new Map();
    for (const name of view.metricNames()) {
      const steps = view.stepsOf(name);
      const values = view.values(name);
      for (let i = 0; i < steps.length; i += 1) {
        let f = frames.get(steps[i]);
        if (!f) frames.set(steps[i], (f = { step: steps[i], metrics: {} }));
        f.metrics[name] = values[i];
      }
    }
    const all = [...frames.values()].sort((a, b) => a.step - b.step);
    this.lastStep = all.length ? all[all.length - 1].step : -1;
    return all;
  }

  /** Sends the next chunk when Python is free. */
  pump() {
    if (!this.active || this.inFlight || !this.pending.length) return;
    const frames = this.pending.splice(0, CHUNK_FRAMES);
    this.chunk += 1;
    const chunk = this.chunk;
    this.started = null;
    this.inFlight = {
      chunk, gen: this.gen, first: frames[0].step, last: frames[frames.length - 1].step,
      timer: setTimeout(() => this.overran(chunk), BUDGET_MS + GRACE_MS),
    };
    this.worker.postMessage({ type: 'frames', gen: this.gen, chunk, frames: framesJson(frames) });
  }

  /** The chunk in flight is answered (or abandoned). */
  done(chunk) {
    if (!this.inFlight || this.inFlight.chunk !== chunk) return false;
    clearTimeout(this.inFlight.timer);
    this.inFlight = null;
    return true;
  }

  /** The worker did not answer within the budget: a detector never returned. Terminate it and start a fresh one. */
  overran(chunk) {
    if (!this.inFlight || this.inFlight.chunk !== chunk) return;
    const { first } = this.inFlight;
    const who = this.started ? this.started.detector : this.ids[0] || 'detector';
    const step = this.started ? this.started.step : first;
    this.inFlight = null;
    this.worker.terminate();
    this.disable(`Your detector ${who} did not return within ${BUDGET_MS / 1000} s at step ${step} (an endless loop?). It was stopped; edit the code to run it again.`);
    this.startWorker();
  }

  /** Turns the detectors off until the code is edited. */
  disable(text, line = null, traceback = '') {
    this.disabledSource = this.source();
    this.gen += 1;
    this.active = false;
    this.pending = [];
    this.showError(text, line, traceback);
    this.buttons();
  }

  fail(text) {
    this.gen += 1;
    this.active = false;
    this.pyReady = false;
    if (this.inFlight) this.done(this.inFlight.chunk);
    this.showError(text);
    this.buttons();
  }

  receive(data) {
    switch (data.type) {
      case 'ready':
        this.pyReady = true;
        if (this.stateLine.dataset.state !== 'error') this.say('idle', `Python ${data.version} is ready. Press Run to start your detectors on the live run.`);
        this.buttons();
        return;
      case 'start':
        if (this.inFlight && data.chunk === this.inFlight.chunk) this.started = { detector: data.detector, step: data.step };
        return;
      case 'loaded':
        if (data.gen !== this.gen) return;
        clearTimeout(this.loadTimer);
        this.ids = data.ids;
        this.active = true;
        this.pending = this.replay();
        this.say('running', this.watching());
        this.buttons();
        this.pump();
        return;
      case 'findings':
        if (!this.done(data.chunk) || data.gen !== this.gen) return;
        this.found(data.findings);
        this.pump();
        return;
      case 'error':
        if (data.chunk !== undefined) this.done(data.chunk);
        if (data.kind === 'fatal') {
          this.fail(data.message);
          return;
        }
        if (data.gen !== this.gen) return;
        clearTimeout(this.loadTimer);
        this.failed(data);
        return;
      default:
    }
  }

  watching() {
    const n = this.ids.length;
    const more = this.count > MAX_LISTED ? ` (the first ${MAX_LISTED} listed)` : '';
    const behind = this.skipped ? ` Python fell behind the training: ${this.skipped} steps skipped (train slower to see them all).` : '';
    return `Running ${n} detector${n === 1 ? '' : 's'} (${this.ids.join(', ')}) on the live run · ${this.count} finding${this.count === 1 ? '' : 's'}${more}.${behind}`;
  }

  found(findings) {
    if (!findings.length) return;
    const room = Math.max(0, MAX_LISTED - this.count);
    const out = findings.slice(0, room).map((f) => ({ ...f, detector: mine(f.detector), yours: true }));
    this.count += findings.length;
    this.say('running', this.watching());
    if (out.length) this.onFindings(out);
  }

  /** An error from Python: the detectors stop (a timeout keeps them off until the code is edited). */
  failed(e) {
    const where = e.line ? ` (line ${e.line})` : '';
    const at = e.step !== null && e.step !== undefined ? ` at step ${e.step}` : '';
    if (e.kind === 'timeout' && !e.detector) {
      this.disable(`Your file did not finish loading within ${BUDGET_MS / 1000} s${where} (an endless loop at its top level or in a constructor?). It was stopped; edit the code to run it again.`, e.line, e.traceback);
      return;
    }
    if (e.kind === 'timeout') {
      this.disable(`Your detector ${e.detector} did not return within ${BUDGET_MS / 1000} s${at}${where} (an endless loop?). It was stopped; edit the code to run it again.`, e.line, e.traceback);
      return;
    }
    this.gen += 1;
    this.active = false;
    this.pending = [];
    const text = e.kind === 'syntax'
      ? `Syntax error on line ${e.line}: nothing ran. ${e.message}`
      : e.kind === 'load'
        ? `Your file could not be loaded${where}: ${e.message}`
        : `Your detector ${e.detector} raised an error${at}${where}: ${e.message}`;
    this.showError(text, e.line, e.traceback);
    this.buttons();
  }
}
