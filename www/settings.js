// The settings form, built from the property table of state.js.

import { $, el } from './dom.js';
import { GROUPS, PROPS, parseValue } from './state.js';

const FORM_PROPS = PROPS.filter((p) => p.group);

/** Builds the form; `onChange(prop, value)` gets every valid change, `onError(text)` every refused one. */
export function buildSettings({ onChange, onError }) {
  const form = $('settings');
  form.addEventListener('submit', (e) => e.preventDefault());
  for (const group of GROUPS) {
    const fields = FORM_PROPS.filter((p) => p.group === group).map((p) => {
      let input;
      if (p.type === 'enum') {
        input = el('select', {}, ...p.options.map((o) => new Option(o, o)));
      } else {
        input = el('input', { type: p.type === 'layers' ? 'text' : 'number', inputMode: p.type === 'layers' ? 'text' : 'decimal' });
        if (p.type !== 'layers') Object.assign(input, { min: p.min, max: p.max, step: p.type === 'int' ? '1' : 'any' });
      }
      input.id = `set-${p.name}`;
      input.name = p.name;
      input.addEventListener('change', () => {
        const r = parseValue(p, input.value);
        if (r.error) {
          onError(r.error);
          input.value = input.dataset.good;
          return;
        }
        input.dataset.good = String(r.value);
        onChange(p, r.value);
      });
      return el('label', {}, el('span', { text: p.label }), input);
    });
    form.append(el('fieldset', {}, el('legend', { text: group }), ...fields));
  }
}

/** Shows `state`'s values in the form. */
export function fillSettings(state) {
  for (const p of FORM_PROPS) {
    const input = $(`set-${p.name}`);
    input.value = String(state[p.name]);
    input.dataset.good = input.value;
  }
}
