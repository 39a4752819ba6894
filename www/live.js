// The live run: trained in a Web Worker (train-worker.js), drawn from a copy
// (a LiveView) that the worker's posts fill, and recorded into the run store
// as it goes. The page never waits on training.

import { $ } from './dom.js';
import { trainWorker } from './spawn.js';
import { describe, runConfig } from './state.js';
import * as store from './store.js';

/**
 * A running run is saved this often at least (and on pause, failure, reset
 * and leaving the page); a long run, whose copy takes a while, less often, so
 * that saving takes at most 1% of the time.
 */
const SAVE_EVERY_MS = 4000;
/** A running worker that has not been heard from for this long has stalled. */
const STALL_MS = 5000;

/** The live run and its recording. */
export class Live {
  /**
   * `Lab`, `LiveView`: the wasm classes; `onData({findings, responses,
   * failed})`: the worker sent news; `onFault(id, settings)`: a fault was
   * applied with other settings (its start moved to the current step);
   * `onSaved(run)`: a save reached the store; `onError(message)`.
   */
  constructor({ Lab, LiveView, onData, onFault, onSaved, onError }) {
    Object.assign(this, { Lab, onData, onFault, onSaved, onError });
    this.view = new LiveView();
    // A Lab that never trains: it checks settings and faults at once, as the worker's would.
    this.checker = null;
    this.state = null;
    this.running = false;
    this.gen = 0;
    this.seq = 0;
    this.record = null;
    this.lastSave = 0;
    this.saveEvery = SAVE_EVERY_MS;
    this.lastHeard = performance.now();
    this.stalled = false;
    this.crashed = null;
    this.pausing = false;
    // Also told the new points and each new run: the student's detectors (py-detectors.js), once loaded.
    this.tap = null;
    // Shown the view of the failure the worker makes at its cadence (views.js), once set.
    this.views = null;
    this.clearRun();
    this.worker = trainWorker();
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.crash(e.message || 'the training worker failed to load or crashed');
    };
    this.worker.onmessageerror = () => this.crash('a message from the training worker could not be read');
    setInterval(() => this.watch(), 1000);
  }

  clearRun() {
    this.view.clear(Boolean(this.checker && this.checker.hasTwin()));
    this.steps = 0;
    this.hardFailure = null;
    this.findings = [];
    this.responses = [];
    this.twin = null;
    this.record = null;
    this.tap?.reset();
    this.views?.reset();
  }

  /** Findings made on the page (the student's detectors) for the live run: listed, stored and marked. */
  addFindings(findings) {
    this.view.addFindings(findings);
    this.findings.push(...findings);
  }

  send(message) {
    this.worker.postMessage(message);
  }

  /** A new run for `state` (throws with the reason when the settings are refused). */
  build(state) {
    const config = runConfig(state);
    const checker = new this.Lab(config);
    this.finishRecording();
    if (this.checker) this.checker.free();
    this.checker = checker;
    this.state = state;
    this.running = false;
    this.pausing = false;
    this.gen += 1;
    this.clearRun();
    this.send({ type: 'build', gen: this.gen, config });
    this.options();
    this.status();
  }

  /** Tells the worker the speed (steps per frame) and whether to pause on a critical finding. */
  options() {
    this.send({ type: 'options', speed: this.state.speed, autopause: this.state.autopause });
  }

  setRunning(on) {
    this.running = on;
    // Paused for good once the worker says so (it may finish a slice first).
    this.pausing = !on;
    this.seq += 1;
    this.lastHeard = performance.now();
    this.send({ type: 'run', seq: this.seq, running: on });
    this.status();
  }

  start() {
    if (this.failed()) return;
    this.setRunning(true);
  }

  pause() {
    this.setRunning(false);
    this.save();
  }

  /** Back to step 0 with the same settings. */
  reset() {
    this.running = false;
    this.pausing = false;
    this.finishRecording();
    this.gen += 1;
    this.clearRun();
    this.send({ type: 'reset', gen: this.gen });
    this.status();
  }

  failed() {
    return this.hardFailure !== null || this.crashed !== null;
  }

  hasTwin() {
    return this.view.hasTwin();
  }

  /** Switches fault `id` on with `settings`, or off with null (throws the reason when refused). */
  setFault(id, settings) {
    this.checker.setFault(id, settings);
    this.send({ type: 'fault', gen: this.gen, id, settings });
  }

  /** A message from the worker. */
  receive(data) {
    try {
      this.handle(data);
    } finally {
      // Every 'data' message is acknowledged once handled, of this run or
      // not: the worker posts the next only then (see train-worker.js).
      if (data.type === 'data') this.send({ type: 'ack' });
    }
  }

  handle(data) {
    this.lastHeard = performance.now();
    if (this.stalled) {
      this.stalled = false;
      this.onError('');
      this.status();
    }
    if (data.type === 'error') {
      this.running = false;
      this.onError(`Training stopped: ${data.message}`);
      this.status();
      return;
    }
    if (data.gen !== this.gen) return;
    if (data.type === 'fault') this.onFault(data.id, data.settings);
    if (data.type === 'data') this.take(data);
  }

  /** New points, findings and responses of the current run. */
  take(data) {
    const view = this.view;
    this.tap?.points(data);
    if (data.view) this.views?.show(data.view);
    for (const s of data.series) view.append(s.name, s.twin, s.keep, s.steps, s.values);
    if (data.findings.length) view.addFindings(data.findings);
    if (data.responses.length) view.addActions(Float64Array.from(data.responses, (r) => r.step));
    view.setSteps(data.steps);
    const changed = data.steps !== this.steps || data.series.length > 0;
    this.steps = data.steps;
    this.findings.push(...data.findings);
    this.responses.push(...data.responses);
    this.twin = data.twin ?? null;
    const failed = this.hardFailure === null && data.hard_failure !== null;
    this.hardFailure = data.hard_failure;
    // An agent's run goes on for a while after its failure (Lab.advance's
    // run-out, so the charts show what follows): the worker says when it stops.
    // The worker stops by itself on failure and (pause on critical) at a
    // critical finding: follow it unless the page has asked otherwise since.
    if (data.seq === this.seq && !data.running) {
      this.running = false;
      this.pausing = false;
    }
    if (changed || failed || data.findings.length || data.responses.length) {
      this.onData({ findings: data.findings, responses: data.responses, failed });
    }
    this.status();
    if (failed || !this.running || performance.now() - this.lastSave > this.saveEvery) this.save();
  }

  /** Reports a worker that stopped answering while running. */
  watch() {
    if (!(this.running || this.pausing) || this.stalled || this.crashed) return;
    if (performance.now() - this.lastHeard > STALL_MS) {
      this.stalled = true;
      this.onError(`Training has not answered for ${STALL_MS / 1000} s: the training worker is stalled. Reset, or reload the page.`);
      this.status();
    }
  }

  /** The worker crashed: no more training until the page is reloaded. */
  crash(message) {
    this.crashed = message;
    this.running = false;
    this.pausing = false;
    this.onError(`The training worker crashed: ${message}. Reload the page to train again.`);
    this.status();
  }

  status() {
    const s = $('status');
    const step = this.steps;
    s.dataset.step = String(step);
    if (this.crashed) {
      s.dataset.state = 'failed';
      s.textContent = 'Training crashed';
    } else if (this.hardFailure !== null && !this.running && !this.pausing) {
      s.dataset.state = 'failed';
      s.textContent = `Failed at step ${this.hardFailure}`;
    } else if (this.running) {
      s.dataset.state = 'running';
      const doing = this.hardFailure !== null ? `Failed at step ${this.hardFailure} · training on` : 'Training';
      s.textContent = this.stalled ? `Stalled · step ${step}` : `${doing} · step ${step}`;
    } else if (this.pausing && !this.stalled) {
      s.dataset.state = 'pausing';
      s.textContent = `Pausing · step ${step}`;
    } else if (step > 0) {
      s.dataset.state = 'paused';
      s.textContent = `Paused at step ${step}`;
    } else {
      s.dataset.state = 'ready';
      s.textContent = 'Ready';
    }
    $('start').disabled = this.running || this.failed();
    $('pause').disabled = !this.running;
    $('reset').disabled = false;
  }

  /** The id of the stored run being recorded (null before the first step). */
  recordId() {
    return this.record ? this.record.id : null;
  }

  /** Stops recording into a run that was deleted from the store. */
  forget(id) {
    if (this.record && this.record.id === id) this.record.deleted = true;
  }

  /** The run's name was changed in the store. */
  renamed(id, name) {
    if (this.record && this.record.id === id) this.record.name = name;
  }

  finishRecording() {
    if (this.steps > 0) this.save();
  }

  /**
   * Saves the run so far (as the page has it) into the store (skipped when
   * nothing changed). The data is copied now; the store writes saves in the
   * order they were made.
   */
  save() {
    const view = this.view;
    if (this.steps === 0 || store.unavailable) return null;
    if (!this.record) {
      this.record = { id: store.newId(), created: Date.now(), name: describe(this.state), steps: -1 };
    }
    const rec = this.record;
    if (rec.deleted || rec.steps === this.steps) return null;
    const t0 = performance.now();
    rec.steps = this.steps;
    const names = view.metricNames();
    const metrics = {};
    for (const name of names) metrics[name] = { steps: view.stepsOf(name), values: view.values(name) };
    const findings = [...this.findings];
    const counts = { info: 0, warning: 0, critical: 0 };
    for (const f of findings) counts[f.severity] += 1;
    const run = {
      id: rec.id,
      name: rec.name,
      created: rec.created,
      updated: Date.now(),
      source: 'live',
      state: structuredClone(this.state),
      seed: this.state.seed,
      config: runConfig(this.state),
      steps: this.steps,
      hardFailure: this.hardFailure,
      metrics: names,
      findings,
      responses: [...this.responses],
      twin: this.twin,
      counts,
    };
    this.lastSave = performance.now();
    this.saveEvery = Math.max(SAVE_EVERY_MS, 100 * (this.lastSave - t0));
    return store.put(run, metrics)
      .then(() => this.onSaved(run))
      .catch((e) => this.onError(`The run could not be saved: ${e.message}`));
  }
}
