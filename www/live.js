// The live run: a Lab (Rust) built from the settings, stepped between
// animation frames, and recorded into the run store as it goes.

import { $ } from './dom.js';
import { describe, runConfig } from './state.js';
import * as store from './store.js';

/** The most training time per animation frame; the rest of the frame is drawing. */
const FRAME_BUDGET_MS = 8;
/**
 * A running run is saved this often at least (and on pause, failure, reset
 * and leaving the page); a long run, whose copy takes a while, less often, so
 * that saving takes at most 1% of the time.
 */
const SAVE_EVERY_MS = 4000;

/** The live run and its recording. */
export class Live {
  /** `Lab`: the wasm class; `onSaved()`: a save reached the store. */
  constructor({ Lab, onSaved, onError }) {
    this.Lab = Lab;
    this.onSaved = onSaved;
    this.onError = onError;
    this.lab = null;
    this.state = null;
    this.running = false;
    this.seen = 0;
    this.seenResponses = 0;
    this.record = null;
    this.lastSave = 0;
    this.saveEvery = SAVE_EVERY_MS;
  }

  /** A new run for `state` (throws with the reason when the settings are refused). */
  build(state) {
    const lab = new this.Lab(runConfig(state));
    this.finishRecording();
    if (this.lab) this.lab.free();
    this.lab = lab;
    this.state = state;
    this.seen = 0;
    this.seenResponses = 0;
    this.record = null;
    this.status();
  }

  start() {
    if (this.failed()) return;
    this.running = true;
    this.status();
  }

  pause() {
    this.running = false;
    this.status();
    this.save();
  }

  /** Back to step 0 with the same settings. */
  reset() {
    this.running = false;
    this.finishRecording();
    this.lab.reset();
    this.seen = 0;
    this.seenResponses = 0;
    this.record = null;
    this.status();
  }

  failed() {
    return this.lab && this.lab.hardFailure() !== undefined;
  }

  /**
   * Trains for up to `budget` ms (at most 8, and at most `speed` steps); returns the
   * steps taken, the new findings and responses, and whether the run has
   * just failed.
   */
  tick(speed, budget = FRAME_BUDGET_MS) {
    if (!this.running || !this.lab) return { taken: 0, findings: [], responses: [], failed: false };
    const t0 = performance.now();
    let taken = 0;
    let chunk = 1;
    const until = Math.min(budget, FRAME_BUDGET_MS);
    while (taken < speed && performance.now() - t0 < until) {
      const n = this.lab.step(Math.min(chunk, speed - taken));
      if (n === 0) break;
      taken += n;
      chunk = Math.min(chunk * 2, 64);
    }
    const findings = this.lab.findings(this.seen);
    this.seen += findings.length;
    const responses = this.lab.responses(this.seenResponses);
    this.seenResponses += responses.length;
    const failed = this.failed();
    if (failed) this.running = false;
    if (taken > 0 || failed) this.status();
    if (failed || performance.now() - this.lastSave > this.saveEvery) this.save();
    return { taken, findings, responses, failed };
  }

  /** Switches fault `id` on with `settings`, or off with null (throws the reason when refused). */
  setFault(id, settings) {
    this.lab.setFault(id, settings);
  }

  status() {
    const s = $('status');
    const step = this.lab ? this.lab.steps() : 0;
    s.dataset.step = String(step);
    if (this.failed()) {
      s.dataset.state = 'failed';
      s.textContent = `Failed at step ${this.lab.hardFailure()}`;
    } else if (this.running) {
      s.dataset.state = 'running';
      s.textContent = `Training · step ${step}`;
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
    if (this.lab && this.lab.steps() > 0) this.save();
  }

  /**
   * Saves the run so far into the store (skipped when nothing changed). The
   * data is copied now; the store writes saves in the order they were made.
   */
  save() {
    const lab = this.lab;
    if (!lab || lab.steps() === 0) return null;
    if (!this.record) {
      this.record = { id: store.newId(), created: Date.now(), name: describe(this.state), steps: -1 };
    }
    const rec = this.record;
    if (rec.deleted || rec.steps === lab.steps()) return null;
    const t0 = performance.now();
    rec.steps = lab.steps();
    const names = lab.metricNames();
    const metrics = {};
    for (const name of names) metrics[name] = { steps: lab.stepsOf(name), values: lab.values(name) };
    const findings = lab.findings(0);
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
      steps: lab.steps(),
      hardFailure: lab.hardFailure() ?? null,
      metrics: names,
      findings,
      responses: lab.responses(0),
      twin: lab.twin() ?? null,
      counts,
    };
    this.lastSave = performance.now();
    this.saveEvery = Math.max(SAVE_EVERY_MS, 100 * (this.lastSave - t0));
    return store.put(run, metrics)
      .then(() => this.onSaved(run))
      .catch((e) => this.onError(`The run could not be saved: ${e.message}`));
  }
}
