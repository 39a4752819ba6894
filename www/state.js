// The lab's settings, mirrored to the URL hash.
//
// One declarative table drives the defaults, the form, the URL and the
// validation (the idea of TensorFlow Playground's state.ts); its engine
// settings (defaults, ranges, messages, config paths) come from Rust. The seed is part
// of the state, so a URL reproduces a run exactly. Faults are written as
// `fault=lr_spike(at_step:300,factor:50)`, one `fault=` per fault switched on.

import { learners as rustLearners, settingsTable } from './pkg/failure_lab.js';
import { faultTitle } from './words.js';

/** When a setting is shown beyond its learner (the page's own choice). */
const SHOW = {
  momentum: (s) => optimizerOf(s) !== 'sgd',
  beta2: (s) => optimizerOf(s) === 'adam',
  scheduleSteps: (s) => s.schedule !== 'constant',
  decay: (s) => s.schedule === 'step',
  respondLr: (s) => s.respond,
  respondClip: (s) => s.respond,
  respondEvery: (s) => s.respond,
};

/** The parts of the page a focused embed may hide (`hide=runs,evaluate`, see www/parts.js). */
export const HIDEABLE = ['learner', 'faults', 'respond', 'settings', 'runs', 'import', 'evaluate', 'alerts', 'side', 'brand', 'tools'];

/** Page-only preferences: not part of a run, kept in the URL all the same. */
const PAGE_PROPS = [
  { name: 'speed', type: 'int', def: 20, min: 1, max: 2000, label: 'Steps per frame (max)', group: 'Speed', live: true },
  { name: 'autopause', type: 'bool', def: true, label: 'Pause on critical', live: true },
  { name: 'big', type: 'bool', def: false, label: 'Large type', live: true },
  { name: 'charts', type: 'list', def: 'loss,grad_norm,val_acc,lr', max: 12, label: 'Charts', live: true },
  // Presentation mode, the parts of the page hidden for a focused embed, and
  // training from the first moment (www/present.js, www/parts.js).
  { name: 'present', type: 'bool', def: false, label: 'Presentation mode', live: true },
  { name: 'hide', type: 'set', def: '', options: HIDEABLE, label: 'Hide', live: true },
  { name: 'autoplay', type: 'bool', def: false, label: 'Autoplay', live: true },
  { name: 'fault', type: 'faults', def: {}, label: 'Fault' },
];

/** A row of Rust's settings table (`settingsTable()`, src/settings.rs) as a property. */
function fromRust(s) {
  const prop = {
    name: s.name, type: s.type, def: s.default, label: s.label, group: s.group,
    paths: s.paths, message: s.message, show: SHOW[s.name],
  };
  if (s.learner) prop.only = s.learner;
  if (s.range) {
    Object.assign(prop, { min: s.range.min, max: s.range.max, minOpen: s.range.min_open, maxOpen: s.range.max_open });
  }
  if (s.widths) prop.widths = s.widths;
  if (s.type === 'enum') {
    prop.options = s.options;
    if (s.option_labels.length) prop.names = Object.fromEntries(s.options.map((o, i) => [o, s.option_labels[i]]));
  }
  return prop;
}

let table = null;

/**
 * Every setting: its type, default, allowed range or options and message,
 * the form group it is shown in (none: not in the settings form), its
 * learner and where it goes in the run config. The engine's settings come
 * from Rust's table (read once the wasm is loaded), the page's preferences
 * after them.
 */
export function props() {
  if (!table) table = [...settingsTable().map(fromRust), ...PAGE_PROPS];
  return table;
}

/** The optimizer of the learner in use (the GAN's is always Adam, with its own betas). */
const optimizerOf = (s) => ({ agent: s.aOptimizer, gan: 'adam' }[s.scenario] ?? s.optimizer);

let learnerList = null;

/** Every learner, in display order: `{id, title, charts, failed}` from Rust (src/scenarios). */
export function learners() {
  learnerList ??= rustLearners();
  return learnerList;
}

/** The learner `id`'s doc (the classifier's for an unknown id). */
export const learner = (id) => learners().find((l) => l.id === id) ?? learners()[0];

/** The charts learner `id` starts with (comma-separated metric names). */
export const scenarioCharts = (id) => learner(id).charts;

/** Whether setting `prop` applies to `state` (its learner, its optimizer...). */
export const applies = (prop, state) => (!prop.only || prop.only === state.scenario) && (!prop.show || prop.show(state));

/** The form groups, in order. */
export const GROUPS = ['Data', 'Network', 'Optimizer', 'Schedule', 'Agent', 'GAN', 'Speed'];

/** The default value of every setting. */
export function defaults() {
  return Object.fromEntries(props().map((p) => [p.name, p.type === 'faults' ? {} : p.def]));
}

/** Checks one raw value against its property; returns {value} or {error}. */
export function parseValue(prop, raw) {
  const s = String(raw).trim();
  switch (prop.type) {
    case 'bool':
      if (['true', '1', 'on'].includes(s)) return { value: true };
      if (['false', '0', 'off', ''].includes(s)) return { value: false };
      return { error: `${prop.label}: '${s}' is not true or false` };
    case 'enum':
      return prop.options.includes(s)
        ? { value: s }
        : { error: `${prop.label}: '${s}' is not one of ${prop.options.join(', ')}` };
    case 'layers': {
      const parts = s === '' ? [] : s.split(',').map((x) => x.trim());
      const widths = parts.map(Number);
      const [lo, hi] = prop.widths;
      if (parts.length < prop.min || parts.length > prop.max || !widths.every((w) => Number.isInteger(w) && w >= lo && w <= hi)) {
        return { error: `${prop.label}: '${s}' must be ${prop.min} to ${prop.max} widths from ${lo} to ${hi}, like 16,16` };
      }
      return { value: widths.join(',') };
    }
    case 'set': {
      const items = [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];
      const bad = items.filter((x) => !prop.options.includes(x));
      if (bad.length) return { error: `${prop.label}: '${bad.join(',').slice(0, 60)}' is not one of ${prop.options.join(', ')}` };
      return { value: items.join(',') };
    }
    case 'list': {
      const items = s.split(',').map((x) => x.trim()).filter(Boolean);
      if (items.length > prop.max || !items.every((x) => /^[A-Za-z0-9_.\-/*]{1,64}$/.test(x))) {
        return { error: `${prop.label}: '${s}' must be up to ${prop.max} metric names separated by commas` };
      }
      return { value: [...new Set(items)].join(',') };
    }
    default: {
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) return { error: `${prop.label}: '${s}' is not a number` };
      if (prop.type === 'int' && !Number.isInteger(v)) return { error: `${prop.label}: '${s}' is not a whole number` };
      if (v < prop.min || v > prop.max || (prop.minOpen && v === prop.min) || (prop.maxOpen && v === prop.max)) {
        return { error: `${prop.label}: ${v} is outside its range: ${prop.message || `from ${prop.min} to ${prop.max}`}` };
      }
      return { value: v };
    }
  }
}

/**
 * Reads one `fault=` value, `id(field:value,...)` or just `id`, into
 * {value: {kind, ...fields}} or {error}. Numbers become numbers; the fault's
 * own checks (in Rust) come later.
 */
export function parseFault(raw) {
  const m = String(raw).trim().match(/^([a-z0-9_]{1,40})(?:\(([^()]*)\))?$/);
  if (!m) return { error: `Fault: '${raw}' is not written like lr_spike(at_step:300,factor:50)` };
  const value = { kind: m[1] };
  for (const pair of (m[2] || '').split(',').filter((x) => x.trim())) {
    const [key, text, extra] = pair.split(':').map((x) => x.trim());
    if (!key || text === undefined || extra !== undefined || !/^[a-z0-9_]{1,40}$/.test(key)) {
      return { error: `Fault ${m[1]}: '${pair}' is not written like field:value` };
    }
    const n = Number(text);
    value[key] = text !== '' && Number.isFinite(n) ? n : text;
  }
  return { value };
}

/** A fault as its `fault=` value. */
export function faultText(fault) {
  const fields = Object.entries(fault).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}:${v}`);
  return fields.length ? `${fault.kind}(${fields.join(',')})` : fault.kind;
}

// Commas, colons, slashes and stars may stay as they are in a URL fragment.
const encode = (s) => encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2F/gi, '/');

/** Reads the state from a URL hash; bad values fall back to defaults with a message. */
export function fromHash(hash) {
  const state = defaults();
  const errors = [];
  const pairs = String(hash || '').replace(/^#/, '').split('&').filter(Boolean);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    let key;
    let raw;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      raw = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      errors.push(`'${pair.slice(0, 40)}' is not valid URL text; ignored`);
      continue;
    }
    const prop = props().find((p) => p.name === key);
    if (!prop) {
      errors.push(`unknown setting '${key.slice(0, 40)}' ignored`);
      continue;
    }
    if (prop.type === 'faults') {
      const r = parseFault(raw);
      if (r.error) errors.push(`${r.error}; ignored`);
      else state.fault[r.value.kind] = r.value;
      continue;
    }
    const r = parseValue(prop, raw);
    if (r.error) errors.push(`${r.error}; using ${prop.def === '' ? 'none' : prop.def}`);
    else state[key] = r.value;
  }
  if (!pairs.some((p) => p.startsWith('charts='))) state.charts = scenarioCharts(state.scenario);
  return { state, errors };
}

/** Writes the settings that differ from their defaults into a URL hash. */
export function toHash(state) {
  const parts = [];
  for (const p of props()) {
    if (p.type === 'faults') {
      for (const f of Object.values(state.fault)) parts.push(`fault=${encode(faultText(f))}`);
    } else if (state[p.name] !== (p.name === 'charts' ? scenarioCharts(state.scenario) : p.def)) {
      parts.push(`${p.name}=${encode(String(state[p.name]))}`);
    }
  }
  return parts.length ? `#${parts.join('&')}` : '';
}

/** The Rust RunConfig (a plain object) for a state: each setting at its paths in the config. */
export function runConfig(state) {
  const config = { scenario: state.scenario, faults: Object.values(state.fault) };
  for (const p of props()) {
    for (const path of p.paths || []) {
      const [head, key] = path.split('.');
      const raw = state[p.name];
      const value = p.type === 'layers' ? (raw === '' ? [] : raw.split(',').map(Number)) : raw;
      if (key) (config[head] ??= {})[key] = value;
      else config[head] = value;
    }
  }
  return config;
}

/** A short name for a run of this state, the telling part first: "Learning-rate spike · responding · seed 1 · spiral · relu 16,16 · lr 0.1". */
export function describe(state) {
  const faults = Object.keys(state.fault).map(faultTitle);
  const learner = state.scenario === 'gan'
    ? ['GAN', `relu ${state.gHidden}`, `lr ${state.gLr} / ${state.dLr}`]
    : state.scenario === 'agent'
    ? ['agent', `${state.aActivation} ${state.aHidden}`, state.aOptimizer, `lr ${state.aLr}`]
    : [state.dataset, `${state.activation} ${state.hidden}`, state.optimizer === 'sgd' ? null : state.optimizer, `lr ${state.lr}`];
  return [faults.length ? faults.join(' + ') : 'clean', state.respond ? 'responding' : null, `seed ${state.seed}`, ...learner]
    .filter(Boolean).join(' · ');
}
