// The failure-mode panel: one switch per fault the scenario offers, with its
// settings. The list, the titles, texts, field labels, ranges and options
// all come from Rust (Lab.faults(), each fault's FaultDoc). A fault switched
// on during a run starts at the current step.

import { $, el } from './dom.js';

const words = (id) => id.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The fault panel. */
export class Faults {
  /**
   * `catalog`: [{id, title, text, fields, defaults}] from Lab.faults(); `check(settings)` returns
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
    $('faults').replaceChildren(...this.catalog.map((c) => this.card(c)));
  }

  card({ id, title, text, fields: docs = [] }) {
    const doc = (field) => docs.find((f) => f.name === field) || { label: words(field), options: [] };
    const box = el('input', { type: 'checkbox', id: `fault-${id}`, checked: id in this.on });
    box.addEventListener('change', () => this.toggle(id, box));
    const fields = Object.keys(this.values.get(id)).filter((k) => k !== 'kind').map((field) => {
      const value = this.values.get(id)[field];
      const { label, range, options = [] } = doc(field);
      let input;
      if (options.length) {
        input = el('select', {}, ...options.map((o) => new Option(o, o)));
      } else {
        input = el('input', { type: typeof value === 'number' ? 'number' : 'text', step: 'any', inputMode: 'decimal' });
        if (range) input.title = `${range[0]} to ${range[1]}`;
      }
      input.id = `fault-${id}-${field}`;
      input.value = String(value);
      input.addEventListener('change', () => this.edit(id, field, input));
      return el('label', {}, el('span', { text: label }), input);
    });
    return el('div', { class: 'fault', data: { fault: id } },
      el('label', { class: 'switch' }, box, el('span', { text: title || words(id) })),
      text ? el('p', { class: 'hint', text }) : null,
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
