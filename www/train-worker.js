// The live run's training, off the page's thread: a module worker with its
// own copy of the lab's wasm owns the Lab and trains it in slices of a few
// ms, yielding to its message loop between slices so that pause, faults
// and reset act at once. At most 60 times a second (and at least every
// HEARTBEAT_MS while running) it posts what is new: metric points, findings,
// responses, the twin, the step count; the page only draws.
//
// Flow control: while the page has not acknowledged a 'data' message, the
// worker posts no periodic one (what is new waits and goes in the next), so
// a page busy drawing never falls behind a queue of messages, and a pause
// or a critical stop reaches it after at most one message it is still
// handling.
//
// Messages in:  {type: 'build', gen, config}   a new run (settings checked by the page)
//               {type: 'reset', gen}           the same run from step 0
//               {type: 'run', seq, running}    start or pause
//               {type: 'options', speed, autopause}
//               {type: 'fault', gen, id, settings}  switch a fault on (settings) or off (null)
//               {type: 'ack'}                  the page has taken one 'data' message
// Messages out: {type: 'ready'}
//               {type: 'data', gen, seq, running, steps, hard_failure, series, findings, responses, twin,
//                view}   view: the failure itself (Lab.view, views.js), at its cadence, or null
//               {type: 'fault', gen, id, settings}  the settings applied (a start step in the
//                                                   past moved to the current step)
//               {type: 'error', gen, message}

import init, { Lab } from './pkg/failure_lab.js';

/** Training time per slice before looking at messages again, in ms. */
const SLICE_MS = 6;
/** The least time between two posts, in ms (60 a second). */
const POST_MS = 16;
/** The most time between two posts while running, in ms: the page's heartbeat. */
const HEARTBEAT_MS = 250;
/** The view of the failure (Lab.view) is made every VIEW_EVERY steps at most, and at most every VIEW_MS while running. */
const VIEW_EVERY = 10;
const VIEW_MS = 100;
/** A frame at 60 Hz, in ms: `speed` is steps per frame. */
const FRAME_MS = 1000 / 60;

const ready = init();

let lab = null;
let gen = 0;
let seq = 0;
let running = false;
let speed = 20;
let autopause = true;
let tokens = 0;
let lastRefill = 0;
let lastPost = 0;
let dirty = false;
let scheduled = false;
/** The measured time of one step, in ms (a running average; a new run starts high, so its first chunk is one step). */
let stepMs = SLICE_MS;
/** 'data' messages posted and not yet acknowledged by the page. */
let unacked = 0;
/** The step and time of the last view made (-1: none for this run). */
let viewStep = -1;
let viewAt = 0;

/** The view of the failure when due (always when stopped and stale), with the time it took in ms; else null. */
function takeView() {
  const steps = lab.steps();
  if (steps === viewStep) return null;
  const t0 = performance.now();
  if (running && viewStep >= 0 && (steps - viewStep < VIEW_EVERY || t0 - viewAt < VIEW_MS)) return null;
  const view = lab.view();
  viewStep = steps;
  viewAt = performance.now();
  if (view) view.ms = viewAt - t0;
  return view;
}

const channel = new MessageChannel();
channel.port1.onmessage = () => slice();

function post() {
  const data = lab.drain();
  const buffers = [];
  for (const s of data.series) buffers.push(s.steps.buffer, s.values.buffer);
  const view = takeView();
  // A view's long number lists (Float32Arrays, whichever learner's) move, not copy.
  for (const v of Object.values(view ?? {})) if (v instanceof Float32Array) buffers.push(v.buffer);
  postMessage({ type: 'data', gen, seq, running, ...data, view }, buffers);
  unacked += 1;
  lastPost = performance.now();
  dirty = false;
}

function fail(e) {
  running = false;
  postMessage({ type: 'error', gen, message: e?.message || String(e) });
}

/** Runs the next slice soon: at once when steps are due, else when the next one is. */
function schedule() {
  if (scheduled || !running) return;
  scheduled = true;
  if (tokens >= 1) channel.port2.postMessage(null);
  else setTimeout(slice, Math.max(1, Math.ceil(((1 - tokens) * FRAME_MS) / speed)));
}

function slice() {
  scheduled = false;
  if (!running || !lab) return;
  try {
    const t0 = performance.now();
    tokens = Math.min(tokens + (speed * (t0 - lastRefill)) / FRAME_MS, speed * 2);
    lastRefill = t0;
    let elapsed = 0;
    while (tokens >= 1 && elapsed < SLICE_MS) {
      // As many steps as fit in what is left of the slice at the measured
      // step time (one at least): a Pause waits for at most the step under
      // way (the settings table bounds a step's cost: settings::STEP_COST_LIMIT).
      const fit = Math.floor((SLICE_MS - elapsed) / Math.max(stepMs, 0.001));
      const want = Math.max(1, Math.min(fit, 256, Math.floor(tokens)));
      const t1 = performance.now();
      const n = lab.advance(want, autopause);
      const took = performance.now() - t1;
      if (n > 0) stepMs = 0.7 * stepMs + (0.3 * took) / n;
      elapsed = performance.now() - t0;
      tokens -= n;
      if (n > 0) dirty = true;
      if (lab.halted()) {
        // Failed for good, or a critical finding with pause on critical
        // (which may be the chunk's last step).
        running = false;
        break;
      }
    }
    const now = performance.now();
    const due = unacked === 0 && ((dirty && now - lastPost >= POST_MS) || now - lastPost >= HEARTBEAT_MS);
    if (!running || due) post();
    schedule();
  } catch (e) {
    fail(e);
  }
}

function setRunning(on) {
  if (on && !running) {
    tokens = 0;
    lastRefill = performance.now();
  }
  running = on && lab !== null && lab.hardFailure() === undefined;
  post();
  schedule();
}

const handlers = {
  build({ config }) {
    const next = new Lab(config);
    if (lab) lab.free();
    lab = next;
    stepMs = SLICE_MS;
    running = false;
    viewStep = -1;
    post();
  },
  reset() {
    lab.reset();
    running = false;
    viewStep = -1;
    post();
  },
  run(msg) {
    seq = msg.seq;
    setRunning(msg.running);
  },
  options(msg) {
    speed = msg.speed;
    autopause = msg.autopause;
  },
  ack() {
    unacked = Math.max(0, unacked - 1);
  },
  fault({ id, settings }) {
    let applied = settings;
    const now = lab.steps();
    if (settings && 'at_step' in settings && settings.at_step < now) applied = { ...settings, at_step: now };
    lab.setFault(id, applied);
    if (applied !== settings) postMessage({ type: 'fault', gen, id, settings: applied });
  },
};

self.onmessage = async ({ data }) => {
  await ready;
  try {
    if ('gen' in data) gen = data.gen;
    handlers[data.type](data);
  } catch (e) {
    fail(e);
  }
};

ready.then(() => postMessage({ type: 'ready' }), fail);
