// The failure-mode panel: one switch per fault the scenario offers (the list
// comes from Rust), with its settings. A fault switched on during a run
// starts at the current step.

import { $, el } from './dom.js';

/** How the page words the faults it knows; any other fault is shown by its id and field names. */
const TEXT = {
  lr_spike: {
    title: 'Learning-rate spike',
    text: 'Multiplies the learning rate: updates overshoot, weights grow, gradients explode.',
    fields: { at_step: 'at step', factor: '× factor' },
  },
  init_too_large: {
    title: 'Initialisation too large',
    text: 'Re-initialises the weights many times too large: huge outputs, huge first updates.',
    fields: { at_step: 'at step', scale: '× scale' },
  },
  vanishing: {
    title: 'Vanishing gradients',
    text: 'Rebuilds the network deep, with sigmoids and a small init: the first layers stop learning.',
    fields: { at_step: 'at step', depth: 'layers', width: 'units', init_scale: 'init ×' },
  },
  plateau: {
    title: 'Plateau (dead units)',
    text: 'Shifts the first layer’s biases: units die or saturate and the loss goes flat.',
    fields: { at_step: 'at step', bias_shift: 'bias shift' },
  },
  oscillation: {
    title: 'Oscillation',
    text: 'A learning rate past the edge of stability with cross-entropy: the loss swings every step.',
    fields: { at_step: 'at step', factor: '× factor' },
  },
  corrupt_batch: {
    title: 'Corrupt batch',
    text: 'One record of one batch carries a bad value; the update spreads it into every weight.',
    fields: { at_step: 'at step', value: 'bad value' },
    options: { value: ['nan', 'inf', 'huge'] },
  },
  class_imbalance: {
    title: 'Class imbalance',
    text: 'Resamples the training set so one class is rare: the network learns to ignore it.',
    fields: { at_step: 'at step', ratio: 'ratio', rare: 'rare class' },
  },
  label_noise: {
    title: 'Label noise',
    text: 'Flips the labels of a share of the training points: the network memorises the wrong ones.',
    fields: { at_step: 'at step', fraction: 'share' },
  },
  data_contamination: {
    title: 'Data contamination',
    text: 'Leaks the validation points into training: validation looks great, only the test split tells.',
    fields: { at_step: 'at step', copies: 'copies' },
  },
  reward_hacking: {
    title: 'Reward hacking',
    text: 'Pays by the word (the course’s naive reward): the proxy reward climbs, the true quality falls.',
    fields: { at_step: 'at step', per_word: 'pay per word' },
  },
  mode_collapse: {
    title: 'Mode collapse',
    text: 'Entropy bonus off, temperature down, learning rate up: the agent says the same few things.',
    fields: { at_step: 'at step', temperature: 'temperature', lr_factor: '× lr' },
  },
  deceptive_alignment: {
    title: 'Deceptive alignment',
    text: 'Only watched episodes are rated: the agent behaves when watched and complies unsafely when not.',
    fields: { at_step: 'at step' },
  },
};

const words = (id) => id.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The fault panel. */
export class Faults {
  /**
   * `catalog`: [{id, defaults}] from Lab.faults(); `check(settings)` returns
   * the complete settings or throws the reason; `apply(id, settings|null)`
   * switches a fault in the live run (throws when refused); `step()` is the
   * live run's step; `onChange(faults)` gets the faults switched on.
   */
  constructor({ catalog, check, apply, step, onChange, onError }) {
    Object.assign(this, { check, apply, step, onChange, onError });
    this.setCatalog(catalog);
  }

  /** The faults to offer (another learner's), all off. */
  setCatalog(catalog) {
    this.catalog = catalog;
    this.values = new Map(catalog.map((c) => [c.id, { ...c.defaults }]));
    this.on = {};
  }

  /** Validates faults read from the URL; returns the good ones and messages for the rest. */
  validate(faults) {
    const good = {};
    const errors = [];
    for (const [id, settings] of Object.entries(faults)) {
      if (!this.values.has(id)) {
        errors.push(`unknown fault '${id}' ignored (known: ${[...this.values.keys()].join(', ')})`);
        continue;
      }
      try {
        good[id] = this.check({ ...this.values.get(id), ...settings, kind: id });
      } catch (e) {
        errors.push(`${e.message}; fault ignored`);
      }
    }
    return { good, errors };
  }

  /** Builds the panel showing `faults` (switched on). */
  render(faults) {
    this.on = { ...faults };
    for (const [id, f] of Object.entries(faults)) this.values.set(id, { ...f });
    $('faults').replaceChildren(...this.catalog.map((c) => this.card(c.id)));
  }

  card(id) {
    const text = TEXT[id] || { title: words(id), text: '', fields: {} };
    const box = el('input', { type: 'checkbox', id: `fault-${id}`, checked: id in this.on });
    box.addEventListener('change', () => this.toggle(id, box));
    const fields = Object.keys(this.values.get(id)).filter((k) => k !== 'kind').map((field) => {
      const value = this.values.get(id)[field];
      const options = text.options && text.options[field];
      let input;
      if (options) {
        input = el('select', {}, ...options.map((o) => new Option(o, o)));
      } else {
        input = el('input', { type: typeof value === 'number' ? 'number' : 'text', step: 'any', inputMode: 'decimal' });
      }
      input.id = `fault-${id}-${field}`;
      input.value = String(value);
      input.addEventListener('change', () => this.edit(id, field, input));
      return el('label', {}, el('span', { text: (text.fields && text.fields[field]) || words(field) }), input);
    });
    return el('div', { class: 'fault', data: { fault: id } },
      el('label', { class: 'switch' }, box, el('span', { text: text.title })),
      text.text ? el('p', { class: 'hint', text: text.text }) : null,
      el('div', { class: 'fields' }, ...fields));
  }

  toggle(id, box) {
    let settings = null;
    if (box.checked) {
      settings = { ...this.values.get(id) };
      const now = this.step();
      if ('at_step' in settings && now > 0) settings.at_step = now;
    }
    try {
      if (settings) settings = this.check(settings);
      this.apply(id, settings);
    } catch (e) {
      this.onError(e.message);
      box.checked = false;
      return;
    }
    if (settings) {
      this.values.set(id, settings);
      this.on[id] = settings;
      const at = $(`fault-${id}-at_step`);
      if (at) at.value = String(settings.at_step);
    } else {
      delete this.on[id];
    }
    this.onChange({ ...this.on });
  }

  edit(id, field, input) {
    const old = this.values.get(id);
    const raw = input.value.trim();
    const number = Number(raw);
    const value = typeof old[field] === 'number' ? (raw === '' ? NaN : number) : raw;
    let settings;
    try {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`fault ${id}: ${field} '${raw}' is not a number`);
      settings = this.check({ ...old, [field]: value });
      if (id in this.on) this.apply(id, settings);
    } catch (e) {
      this.onError(e.message);
      input.value = String(old[field]);
      return;
    }
    this.values.set(id, settings);
    if (id in this.on) {
      this.on[id] = settings;
      this.onChange({ ...this.on });
    }
  }
}
