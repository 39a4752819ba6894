// The settings form, built from the property table of state.js (Rust's): the
// groups under Settings, and the automatic response's card beside the faults.

import { $, el } from './dom.js';
import { GROUPS, applies, parseValue, props } from './state.js';

/** The settings shown in the form. */
const formProps = () => props().filter((p) => p.group);

/** What the automatic response does, in a sentence. */
const RESPONSE_TEXT = 'The course’s RobustTrainingPipeline: on an explosion it cuts the learning rate, clips the gradients '
  + 'and rolls back to the last good checkpoint. The run without it is drawn faint beside it.';

function input(p, onChange, onError) {
  let node;
  if (p.type === 'enum') {
    node = el('select', {}, ...p.options.map((o) => new Option(p.names?.[o] || o.replace('_', '-'), o)));
  } else if (p.type === 'bool') {
    node = el('input', { type: 'checkbox' });
  } else {
    node = el('input', { type: p.type === 'layers' ? 'text' : 'number', inputMode: p.type === 'layers' ? 'text' : 'decimal' });
    if (p.type !== 'layers') Object.assign(node, { min: p.min, max: p.max, step: p.type === 'int' ? '1' : 'any' });
  }
  node.id = `set-${p.name}`;
  node.name = p.name;
  node.addEventListener('change', () => {
    const r = parseValue(p, p.type === 'bool' ? String(node.checked) : node.value);
    if (r.error) {
      onError(r.error);
      node.value = node.dataset.good;
      return;
    }
    node.dataset.good = String(r.value);
    onChange(p, r.value);
  });
  return node;
}

/** Builds the form; `onChange(prop, value)` gets every valid change, `onError(text)` every refused one. */
export function buildSettings({ onChange, onError }) {
  const form = $('settings');
  form.addEventListener('submit', (e) => e.preventDefault());
  for (const group of GROUPS) {
    const fields = formProps().filter((p) => p.group === group)
      .map((p) => el('label', { data: { prop: p.name } }, el('span', { text: p.label }), input(p, onChange, onError)));
    form.append(el('fieldset', {}, el('legend', { text: group }), ...fields));
  }
  const learner = formProps().find((p) => p.group === 'Learner');
  $('scenario-slot').replaceChildren(el('label', { class: 'learner', data: { prop: learner.name } },
    el('span', { text: learner.label }), input(learner, onChange, onError)));
  const [toggle, ...fields] = formProps().filter((p) => p.group === 'Response');
  $('respond-slot').replaceChildren(el('div', { class: 'fault respond' },
    el('label', { class: 'switch', data: { prop: toggle.name } }, input(toggle, onChange, onError), el('span', { text: toggle.label })),
    el('p', { class: 'hint', text: RESPONSE_TEXT }),
    el('div', { class: 'fields' }, ...fields.map((p) => el('label', { data: { prop: p.name } }, el('span', { text: p.label }), input(p, onChange, onError))))));
}

/** Shows `state`'s values in the form, and only the settings that apply. */
export function fillSettings(state) {
  for (const p of formProps()) {
    const node = $(`set-${p.name}`);
    if (p.type === 'bool') node.checked = state[p.name];
    else node.value = String(state[p.name]);
    node.dataset.good = String(state[p.name]);
    node.closest('label').hidden = !applies(p, state);
  }
  for (const set of $('settings').querySelectorAll('fieldset')) {
    set.hidden = [...set.querySelectorAll('label')].every((l) => l.hidden);
  }
}
