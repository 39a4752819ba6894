// The big numbers above the charts: the latest value of the key metrics of
// the run in focus.

import { $, el, fmt } from './dom.js';

const CELLS = [
  ['step', 'step'], ['loss', 'loss'], ['val_loss', 'val loss'], ['val_acc', 'val acc'],
  ['grad_norm', 'grad norm'], ['lr', 'lr'],
];

/** Shows `latest` ({metric: value, step}). */
export function showReadout(latest) {
  $('readout').replaceChildren(...CELLS.filter(([k]) => k === 'step' || k in latest).map(([k, label]) => el('div', { data: { metric: k } },
    el('span', { text: label }),
    el('b', { text: k === 'step' ? String(latest.step ?? 0) : fmt(latest[k]) }))));
}

/** The latest values of stored metrics ({name: {steps, values}}). */
export function latestOf(metrics) {
  const out = { step: 0 };
  for (const [name, s] of Object.entries(metrics)) {
    const n = s.values.length;
    if (!n) continue;
    out[name] = s.values[n - 1];
    out.step = Math.max(out.step, s.steps[n - 1]);
  }
  return out;
}
