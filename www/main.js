// The lab's page: settings, the training loop between animation frames,
// charts drawn by Rust, and the alert list.

import init, { Lab } from './pkg/failure_lab.js';
import { PROPS, fromHash, toHash, parseValue, runConfig } from './state.js';

const $ = (id) => document.getElementById(id);
const FRAME_BUDGET_MS = 8; // training time per animation frame; the rest is drawing
const CHARTS = [
  { canvas: 'chart-loss', metrics: ['loss', 'val_loss'], title: 'Loss (training batch, validation)' },
  { canvas: 'chart-grad_norm', metrics: ['grad_norm'], title: 'Global gradient norm' },
];

let lab = null;
let state = null;
let running = false;
let shownFindings = 0;
let docs = new Map();
let dirty = true;

function notice(text) {
  $('notice').hidden = !text;
  $('notice').textContent = text || '';
}

function setStatus(s, text) {
  $('status').dataset.state = s;
  $('status').textContent = text;
}

// ---- settings form, built from the property table ----

const FORM_PROPS = PROPS.filter((p) => !['spike', 'spikeAt', 'spikeFactor'].includes(p.name));

function buildForm() {
  const form = $('settings');
  for (const p of FORM_PROPS) {
    const label = document.createElement('label');
    label.textContent = p.label + ' ';
    let input;
    if (p.type === 'enum') {
      input = document.createElement('select');
      for (const o of p.options) input.append(new Option(o, o));
    } else {
      input = document.createElement('input');
      input.type = p.type === 'layers' ? 'text' : 'number';
      if (p.type !== 'layers') {
        input.min = p.min;
        input.max = p.max;
        input.step = p.type === 'int' ? '1' : 'any';
      }
    }
    input.id = `set-${p.name}`;
    input.name = p.name;
    input.addEventListener('change', () => changeSetting(p, input));
    label.append(input);
    form.append(label);
  }
  for (const name of ['spikeAt', 'spikeFactor']) {
    const p = PROPS.find((x) => x.name === name);
    $(name).addEventListener('change', () => changeSetting(p, $(name)));
  }
  $('fault-lr_spike').addEventListener('change', toggleSpike);
}

function fillForm() {
  for (const p of FORM_PROPS) $(`set-${p.name}`).value = String(state[p.name]);
  $('spikeAt').value = String(state.spikeAt);
  $('spikeFactor').value = String(state.spikeFactor);
  $('fault-lr_spike').checked = state.spike;
}

function changeSetting(prop, input) {
  const r = parseValue(prop, input.value);
  if (r.error) {
    notice(r.error);
    input.value = String(state[prop.name]);
    return;
  }
  notice('');
  state[prop.name] = r.value;
  saveHash();
  if (prop.name !== 'speed') rebuild();
}

function saveHash() {
  const h = toHash(state);
  history.replaceState(null, '', h || location.pathname + location.search);
}

// ---- the run ----

function rebuild() {
  const wasRunning = running;
  let next;
  try {
    next = new Lab(runConfig(state));
  } catch (e) {
    notice(`Could not start the run: ${e.message}`);
    return;
  }
  if (lab) lab.free();
  lab = next;
  shownFindings = 0;
  $('alerts').replaceChildren();
  $('alert-count').textContent = '0';
  $('no-alerts').hidden = false;
  $('banner').hidden = true;
  dirty = true;
  running = wasRunning;
  setStatus(running ? 'running' : 'ready', running ? 'Training' : 'Ready');
}

function toggleSpike() {
  const on = $('fault-lr_spike').checked;
  const now = lab ? lab.steps() : 0;
  if (on && now > 0) {
    state.spikeAt = now;
    $('spikeAt').value = String(now);
  }
  state.spike = on;
  saveHash();
  try {
    lab.setFault('lr_spike', on ? { kind: 'lr_spike', at_step: state.spikeAt, factor: state.spikeFactor } : null);
  } catch (e) {
    notice(e.message);
  }
}

function frame() {
  if (running && lab) {
    const t0 = performance.now();
    let taken = 0;
    let chunk = 1;
    while (taken < state.speed && performance.now() - t0 < FRAME_BUDGET_MS) {
      const n = lab.step(Math.min(chunk, state.speed - taken));
      if (n === 0) break;
      taken += n;
      chunk = Math.min(chunk * 2, 64);
    }
    if (taken > 0) dirty = true;
    const broke = lab.hardFailure();
    if (broke !== undefined) {
      running = false;
      setStatus('failed', `Failed at step ${broke}`);
      showBanner(`Training failed at step ${broke}: the loss is no longer a number.`);
      updateButtons();
    }
    pollFindings();
  }
  if (dirty && lab) {
    draw();
    dirty = false;
  }
  requestAnimationFrame(frame);
}

function draw() {
  const ratio = window.devicePixelRatio || 1;
  for (const c of CHARTS) {
    const canvas = $(c.canvas);
    const w = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const h = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    try {
      lab.draw(canvas, { metrics: c.metrics, title: c.title, pixel_ratio: ratio });
    } catch (e) {
      notice(e.message);
    }
  }
  const latest = lab.latest();
  const fmt = (v) => (v === undefined ? '–' : Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4)) : String(v));
  const cells = [
    ['step', latest.step], ['loss', latest.loss], ['val loss', latest.val_loss],
    ['val acc', latest.val_acc], ['grad norm', latest.grad_norm], ['lr', latest.lr],
  ];
  $('readout').replaceChildren(...cells.map(([k, v]) => {
    const d = document.createElement('div');
    const s = document.createElement('span');
    s.textContent = k;
    const b = document.createElement('b');
    b.textContent = k === 'step' ? String(v) : fmt(v);
    d.append(s, b);
    return d;
  }));
}

function showBanner(text) {
  $('banner').hidden = false;
  $('banner').textContent = text;
}

function pollFindings() {
  const fresh = lab.findings(shownFindings);
  if (!fresh.length) return;
  shownFindings += fresh.length;
  $('no-alerts').hidden = true;
  $('alert-count').textContent = String(shownFindings);
  const list = $('alerts');
  for (const f of fresh) {
    list.prepend(renderFinding(f));
    if (f.severity === 'critical') showBanner(`${f.message} (step ${f.step}). ${f.recommendation}`);
  }
}

function renderFinding(f) {
  const li = document.createElement('li');
  li.className = 'alert';
  li.dataset.detector = f.detector;
  li.dataset.severity = f.severity;
  li.dataset.step = String(f.step);
  const doc = docs.get(f.detector);
  const head = document.createElement('header');
  const title = document.createElement('span');
  title.textContent = doc ? doc.title : f.detector;
  const sev = document.createElement('span');
  sev.className = 'sev';
  sev.textContent = `${f.severity} · step ${f.step}`;
  head.append(title, sev);
  const msg = document.createElement('p');
  msg.textContent = f.message;
  const rec = document.createElement('p');
  rec.className = 'rec';
  rec.textContent = f.recommendation;
  li.append(head, msg, rec);
  if (doc) {
    const det = document.createElement('details');
    const sum = document.createElement('summary');
    sum.textContent = 'About this detector';
    const what = document.createElement('p');
    what.textContent = doc.what;
    const why = document.createElement('p');
    why.textContent = doc.why;
    const thr = document.createElement('p');
    thr.textContent = `Threshold: ${doc.threshold}`;
    det.append(sum, what, why, thr);
    li.append(det);
  }
  return li;
}

function updateButtons() {
  const failed = lab && lab.hardFailure() !== undefined;
  $('start').disabled = running || failed;
  $('pause').disabled = !running;
  $('reset').disabled = false;
}

async function main() {
  await init();
  docs = new Map(Lab.detectors().map((d) => [d.id, d]));
  const parsed = fromHash(location.hash);
  state = parsed.state;
  if (parsed.errors.length) notice(`URL: ${parsed.errors.join('; ')}`);
  buildForm();
  fillForm();
  rebuild();
  $('start').onclick = () => {
    running = true;
    setStatus('running', 'Training');
    updateButtons();
  };
  $('pause').onclick = () => {
    running = false;
    setStatus('paused', `Paused at step ${lab.steps()}`);
    updateButtons();
  };
  $('reset').onclick = () => {
    running = false;
    rebuild();
    updateButtons();
  };
  window.addEventListener('resize', () => { dirty = true; });
  updateButtons();
  document.body.dataset.ready = 'true';
  requestAnimationFrame(frame);
}

main().catch((e) => {
  setStatus('failed', 'Could not load');
  showBanner(`The lab could not start: ${e.message}`);
});
