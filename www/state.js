// The lab's settings, mirrored to the URL hash.
//
// One declarative table drives the defaults, the URL and the validation (the
// idea of TensorFlow Playground's state.ts). The seed is part of the state, so
// a URL reproduces a run exactly.

/** Every setting: its type, default and allowed range or options. */
export const PROPS = [
  { name: 'seed', type: 'int', def: 1, min: 0, max: 2 ** 32 - 1, label: 'Seed' },
  { name: 'dataset', type: 'enum', def: 'spiral', options: ['spiral', 'circles', 'xor', 'gaussians'], label: 'Dataset' },
  { name: 'noise', type: 'number', def: 0.1, min: 0, max: 2, label: 'Noise' },
  { name: 'hidden', type: 'layers', def: '16,16', label: 'Hidden layers' },
  { name: 'activation', type: 'enum', def: 'relu', options: ['relu', 'tanh', 'sigmoid'], label: 'Activation' },
  { name: 'lr', type: 'number', def: 0.1, min: 1e-6, max: 1000, label: 'Learning rate' },
  { name: 'batch', type: 'int', def: 32, min: 1, max: 4096, label: 'Batch size' },
  { name: 'speed', type: 'int', def: 20, min: 1, max: 2000, label: 'Steps per frame (max)' },
  { name: 'spike', type: 'bool', def: false, label: 'Learning-rate spike' },
  { name: 'spikeAt', type: 'int', def: 300, min: 0, max: 1e9, label: 'Spike at step' },
  { name: 'spikeFactor', type: 'number', def: 50, min: 1, max: 1e6, label: 'Spike factor' },
];

/** The default value of every setting. */
export function defaults() {
  return Object.fromEntries(PROPS.map((p) => [p.name, p.def]));
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
    default: {
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) return { error: `${prop.label}: '${s}' is not a number` };
      if (prop.type === 'int' && !Number.isInteger(v)) return { error: `${prop.label}: '${s}' is not a whole number` };
      if (v < prop.min || v > prop.max) return { error: `${prop.label}: ${v} is outside ${prop.min} to ${prop.max}` };
      return { value: v };
    }
  }
}

/** Reads the state from a URL hash; bad values fall back to defaults with a message. */
export function fromHash(hash) {
  const state = defaults();
  const errors = [];
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  for (const [key, raw] of params) {
    const prop = PROPS.find((p) => p.name === key);
    if (!prop) {
      errors.push(`unknown setting '${key}' ignored`);
      continue;
    }
    const r = parseValue(prop, raw);
    if (r.error) errors.push(`${r.error}; using ${prop.def}`);
    else state[key] = r.value;
  }
  return { state, errors };
}

/** Writes the settings that differ from their defaults into a URL hash. */
export function toHash(state) {
  const params = new URLSearchParams();
  for (const p of PROPS) {
    if (state[p.name] !== p.def) params.set(p.name, String(state[p.name]));
  }
  const s = params.toString();
  return s ? `#${s}` : '';
}

/** The Rust RunConfig (a plain object) for a state. */
export function runConfig(state) {
  return {
    train: {
      seed: state.seed,
      dataset: state.dataset,
      noise: state.noise,
      hidden: state.hidden.split(',').map(Number),
      activation: state.activation,
      lr: state.lr,
      batch_size: state.batch,
    },
    faults: state.spike ? [{ kind: 'lr_spike', at_step: state.spikeAt, factor: state.spikeFactor }] : [],
  };
}
