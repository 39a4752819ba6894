// The big numbers above the charts: the latest value of the key metrics of
// the run in focus.

import { $, el, fmt } from './dom.js';

const CELLS = [
  ['step', 'step'], ['loss', 'loss'], ['val_loss', 'val loss'], ['val_acc', 'val acc'],
  ['grad_norm', 'grad norm'], ['lr', 'lr'],
];

/**
 * Shows `latest` ({metric: value, step}); `twin` ({steps, hard_failure, loss})
 * is how the same run without the automatic response is doing. The live
 * run's step is in the status already (`withStep` false).
 */
export function showReadout(latest, { twin = null, withStep = true } = {}) {
  const cells = CELLS.filter(([k]) => (k === 'step' ? withStep : k in latest)).map(([k, label]) => el('div', { data: { metric: k } },
    el('span', { text: label }),
    el('b', { text: k === 'step' ? String(latest.step ?? 0) : fmt(latest[k]) })));
  if (twin) {
    const failed = twin.hard_failure !== null && twin.hard_failure !== undefined;
    cells.push(el('div', { class: failed ? 'twin failed' : 'twin', data: { metric: 'twin' } },
      el('span', { text: failed ? 'no response' : 'loss, no response', title: 'The same run without the automatic response' }),
      el('b', { text: failed ? `failed @ ${twin.hard_failure}` : fmt(twin.loss) })));
  }
  $('readout').replaceChildren(...cells);
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
