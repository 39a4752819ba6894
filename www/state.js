// The lab's settings, mirrored to the URL hash.
//
// One declarative table drives the defaults, the form, the URL and the
// validation (the idea of TensorFlow Playground's state.ts). The seed is part
// of the state, so a URL reproduces a run exactly. Faults are written as
// `fault=lr_spike(at_step:300,factor:50)`, one `fault=` per fault switched on.

/**
 * Every setting: its type, default, allowed range or options, the form group
 * it is shown in (none: not in the settings form) and whether changing it
 * restarts the run.
 */
export const PROPS = [
  {
    name: 'scenario', type: 'enum', def: 'classifier', options: ['classifier', 'agent'], label: 'Learner', group: 'Learner',
    names: { classifier: 'Classifier (2-D points)', agent: 'Agent (policy gradient)' },
  },
  { name: 'seed', type: 'int', def: 1, min: 0, max: 2 ** 32 - 1, label: 'Seed', group: 'Data' },
  { name: 'dataset', type: 'enum', def: 'spiral', options: ['spiral', 'circles', 'xor', 'gaussians'], label: 'Dataset', group: 'Data', only: 'classifier' },
  { name: 'noise', type: 'number', def: 0.1, min: 0, max: 2, label: 'Noise', group: 'Data', only: 'classifier' },
  { name: 'hidden', type: 'layers', def: '16,16', label: 'Hidden layers', group: 'Network', only: 'classifier' },
  { name: 'activation', type: 'enum', def: 'relu', options: ['relu', 'tanh', 'sigmoid'], label: 'Activation', group: 'Network', only: 'classifier' },
  { name: 'loss', type: 'enum', def: 'squared', options: ['squared', 'cross_entropy'], label: 'Loss', group: 'Network', only: 'classifier' },
  { name: 'init', type: 'number', def: 1, min: 0.001, max: 1000, label: 'Init scale ×', group: 'Network', only: 'classifier' },
  { name: 'aHidden', type: 'layers', def: '16', label: 'Hidden layers', group: 'Network', only: 'agent' },
  { name: 'aActivation', type: 'enum', def: 'tanh', options: ['relu', 'tanh', 'sigmoid'], label: 'Activation', group: 'Network', only: 'agent' },
  { name: 'aInit', type: 'number', def: 1, min: 0.001, max: 1000, label: 'Init scale ×', group: 'Network', only: 'agent' },
  { name: 'optimizer', type: 'enum', def: 'sgd', options: ['sgd', 'momentum', 'adam'], label: 'Optimizer', group: 'Optimizer', only: 'classifier' },
  { name: 'lr', type: 'number', def: 0.1, min: 1e-6, max: 1000, label: 'Learning rate', group: 'Optimizer', only: 'classifier' },
  { name: 'aOptimizer', type: 'enum', def: 'adam', options: ['sgd', 'momentum', 'adam'], label: 'Optimizer', group: 'Optimizer', only: 'agent' },
  { name: 'aLr', type: 'number', def: 0.01, min: 1e-6, max: 1000, label: 'Learning rate', group: 'Optimizer', only: 'agent' },
  { name: 'momentum', type: 'number', def: 0.9, min: 0, max: 0.9999, label: 'Momentum (β1)', group: 'Optimizer', show: (s) => optimizerOf(s) !== 'sgd' },
  { name: 'beta2', type: 'number', def: 0.999, min: 0, max: 0.99999, label: 'Adam β2', group: 'Optimizer', show: (s) => optimizerOf(s) === 'adam' },
  { name: 'batch', type: 'int', def: 32, min: 1, max: 4096, label: 'Batch size', group: 'Optimizer', only: 'classifier' },
  { name: 'aBatch', type: 'int', def: 64, min: 1, max: 4096, label: 'Episodes per step', group: 'Optimizer', only: 'agent' },
  { name: 'weightDecay', type: 'number', def: 0, min: 0, max: 1, label: 'Weight decay', group: 'Optimizer', only: 'classifier' },
  { name: 'clip', type: 'number', def: 0, min: 0, max: 1e6, label: 'Clip norm (0: off)', group: 'Optimizer', only: 'classifier' },
  { name: 'schedule', type: 'enum', def: 'constant', options: ['constant', 'step', 'cosine'], label: 'LR schedule', group: 'Schedule', only: 'classifier' },
  { name: 'scheduleSteps', type: 'int', def: 1000, min: 1, max: 1e6, label: 'Period (steps)', group: 'Schedule', only: 'classifier', show: (s) => s.schedule !== 'constant' },
  { name: 'decay', type: 'number', def: 0.5, min: 1e-6, max: 1, label: 'Decay ×', group: 'Schedule', only: 'classifier', show: (s) => s.schedule === 'step' },
  { name: 'warmup', type: 'int', def: 0, min: 0, max: 1e6, label: 'Warm-up (steps)', group: 'Schedule', only: 'classifier' },
  { name: 'temperature', type: 'number', def: 1, min: 0.01, max: 100, label: 'Temperature', group: 'Agent', only: 'agent' },
  { name: 'entropy', type: 'number', def: 0.05, min: 0, max: 10, label: 'Entropy bonus', group: 'Agent', only: 'agent' },
  { name: 'raterNoise', type: 'number', def: 0.1, min: 0, max: 10, label: 'Rater noise', group: 'Agent', only: 'agent' },
  { name: 'watched', type: 'number', def: 0.5, min: 0, max: 1, label: 'Watched share', group: 'Agent', only: 'agent' },
  { name: 'respond', type: 'bool', def: false, label: 'Automatic response', group: 'Response' },
  { name: 'respondLr', type: 'number', def: 0.1, min: 1e-6, max: 0.999, label: 'LR cut ×', group: 'Response', show: (s) => s.respond },
  { name: 'respondClip', type: 'number', def: 1, min: 1e-6, max: 1e6, label: 'Clip at', group: 'Response', show: (s) => s.respond },
  { name: 'respondEvery', type: 'int', def: 50, min: 1, max: 100000, label: 'Checkpoint every', group: 'Response', show: (s) => s.respond },
  { name: 'speed', type: 'int', def: 20, min: 1, max: 2000, label: 'Steps per frame (max)', group: 'Speed', live: true },
  { name: 'autopause', type: 'bool', def: true, label: 'Pause on critical', live: true },
  { name: 'big', type: 'bool', def: false, label: 'Large type', live: true },
  { name: 'charts', type: 'list', def: 'loss,grad_norm,val_acc,lr', max: 12, label: 'Charts', live: true },
  { name: 'fault', type: 'faults', def: {}, label: 'Fault' },
];

/** The optimizer of the learner in use. */
const optimizerOf = (s) => (s.scenario === 'agent' ? s.aOptimizer : s.optimizer);

/** The charts a learner starts with. */
export const SCENARIO_CHARTS = {
  classifier: 'loss,grad_norm,val_acc,lr',
  agent: 'reward,true_quality,diversity_ratio,behavior_gap',
};

/** Whether setting `prop` applies to `state` (its learner, its optimizer...). */
export const applies = (prop, state) => (!prop.only || prop.only === state.scenario) && (!prop.show || prop.show(state));

/** The form groups, in order. */
export const GROUPS = ['Data', 'Network', 'Optimizer', 'Schedule', 'Agent', 'Speed'];

/** The default value of every setting. */
export function defaults() {
  return Object.fromEntries(PROPS.map((p) => [p.name, p.type === 'faults' ? {} : p.def]));
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
      const parts = s.split(',').map((x) => x.trim());
      const widths = parts.map(Number);
      if (parts.length < 1 || parts.length > 8 || !widths.every((w) => Number.isInteger(w) && w >= 1 && w <= 256)) {
        return { error: `${prop.label}: '${s}' must be 1 to 8 widths from 1 to 256, like 16,16` };
      }
      return { value: widths.join(',') };
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
      if (v < prop.min || v > prop.max) return { error: `${prop.label}: ${v} is outside ${prop.min} to ${prop.max}` };
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
    const prop = PROPS.find((p) => p.name === key);
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
    if (r.error) errors.push(`${r.error}; using ${prop.def}`);
    else state[key] = r.value;
  }
  if (!pairs.some((p) => p.startsWith('charts='))) state.charts = SCENARIO_CHARTS[state.scenario];
  return { state, errors };
}

/** Writes the settings that differ from their defaults into a URL hash. */
export function toHash(state) {
  const parts = [];
  for (const p of PROPS) {
    if (p.type === 'faults') {
      for (const f of Object.values(state.fault)) parts.push(`fault=${encode(faultText(f))}`);
    } else if (state[p.name] !== (p.name === 'charts' ? SCENARIO_CHARTS[state.scenario] : p.def)) {
      parts.push(`${p.name}=${encode(String(state[p.name]))}`);
    }
  }
  return parts.length ? `#${parts.join('&')}` : '';
}

/** The Rust RunConfig (a plain object) for a state. */
export function runConfig(state) {
  return {
    scenario: state.scenario,
    train: {
      seed: state.seed,
      dataset: state.dataset,
      noise: state.noise,
      hidden: state.hidden.split(',').map(Number),
      activation: state.activation,
      loss: state.loss,
      init_scale: state.init,
      optimizer: state.optimizer,
      lr: state.lr,
      momentum: state.momentum,
      beta2: state.beta2,
      batch_size: state.batch,
      weight_decay: state.weightDecay,
      clip_norm: state.clip,
      schedule: state.schedule,
      schedule_steps: state.scheduleSteps,
      decay_factor: state.decay,
      warmup_steps: state.warmup,
    },
    agent: {
      seed: state.seed,
      hidden: state.aHidden.split(',').map(Number),
      activation: state.aActivation,
      init_scale: state.aInit,
      optimizer: state.aOptimizer,
      lr: state.aLr,
      momentum: state.momentum,
      beta2: state.beta2,
      batch_size: state.aBatch,
      temperature: state.temperature,
      entropy_bonus: state.entropy,
      rater_noise: state.raterNoise,
      watched_frac: state.watched,
    },
    faults: Object.values(state.fault),
    respond: {
      enabled: state.respond,
      lr_factor: state.respondLr,
      clip_norm: state.respondClip,
      checkpoint_every: state.respondEvery,
    },
  };
}

/** A short name for a run of this state, the telling part first: "lr_spike · responding · seed 1 · spiral · relu 16,16 · lr 0.1". */
export function describe(state) {
  const faults = Object.keys(state.fault);
  const learner = state.scenario === 'agent'
    ? ['agent', `${state.aActivation} ${state.aHidden}`, state.aOptimizer, `lr ${state.aLr}`]
    : [state.dataset, `${state.activation} ${state.hidden}`, state.optimizer === 'sgd' ? null : state.optimizer, `lr ${state.lr}`];
  return [faults.length ? faults.join(' + ') : 'clean', state.respond ? 'responding' : null, `seed ${state.seed}`, ...learner]
    .filter(Boolean).join(' · ');
}
