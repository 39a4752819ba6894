// The big numbers above the charts: the latest value of the key metrics of
// the run in focus.

import { $, el, fmt } from './dom.js';

const CELLS = [
  ['step', 'step'], ['loss', 'loss'], ['val_loss', 'val loss'], ['val_acc', 'val acc'],
  ['grad_norm', 'grad norm'], ['lr', 'lr'],
];

/** An agent's key numbers: what it is paid, what it is worth, how varied it is. */
const AGENT_CELLS = [
  ['step', 'step'], ['reward', 'reward'], ['true_quality', 'true quality'], ['diversity_ratio', 'diversity'],
  ['eval_quality', 'held-out'], ['behavior_gap', 'watched gap'],
];

/**
 * Shows `latest` ({metric: value, step}); `twin` ({steps, hard_failure, loss})
 * is how the same run without the automatic response is doing. The live
 * run's step is in the status already (`withStep` false).
 */
export function showReadout(latest, { twin = null, withStep = true } = {}) {
  const cells = ('reward' in latest ? AGENT_CELLS : CELLS).filter(([k]) => (k === 'step' ? withStep : k in latest)).map(([k, label]) => el('div', { data: { metric: k } },
    el('span', { text: label }),
    el('b', { text: k === 'step' ? String(latest.step ?? 0) : fmt(latest[k]) })));
  if (twin) {
    const failed = twin.hard_failure !== null && twin.hard_failure !== undefined;
    cells.push(el('div', { class: failed ? 'twin failed' : 'twin', data: { metric: 'twin' } },
      el('span', { text: failed ? 'no response' : 'loss, no response', title: 'The same run without the automatic response' }),
      el('b', { text: failed ? `failed @ ${twin.hard_failure}` : fmt(twin.loss) })));
  }
  // Redraw only what changed: the cells are rebuilt when the set changes.
  const box = $('readout');
  const same = box.children.length === cells.length
    && [...box.children].every((c, i) => c.dataset.metric === cells[i].dataset.metric && c.className === cells[i].className);
  if (!same) {
    box.replaceChildren(...cells);
    return;
  }
  cells.forEach((c, i) => {
    const old = box.children[i];
    for (const tag of ['span', 'b']) {
      const text = c.querySelector(tag).textContent;
      if (old.querySelector(tag).textContent !== text) old.querySelector(tag).textContent = text;
    }
  });
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
