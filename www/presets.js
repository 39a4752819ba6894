// Presets: one per fault of every learner, the very setup the evaluation
// suite grades it on (src/presets.rs, exported as presets()). Loading one
// sets the learner, every setting, the seed and the fault, so the live run
// is the graded case itself: what the page shows and what the Evaluate
// panel grades come from the same setup.

import { $, el } from './dom.js';
import { defaults, learners, scenarioCharts, toHash } from './state.js';

/**
 * The preset picker. `list`: presets() from Rust; `current()`: the page's
 * state; `onLoad(hash, preset)`: load this hash as the live run.
 */
export class Presets {
  constructor({ list, current, onLoad }) {
    Object.assign(this, { list, current, onLoad });
    const select = $('preset');
    const groups = learners().map(({ id, title: label }) => el('optgroup', { attrs: { label } },
      ...list.filter((p) => p.scenario === id).map((p) => new Option(p.title, p.id))));
    select.replaceChildren(new Option('Choose a failure…', ''), ...groups);
    select.addEventListener('change', () => { $('preset-load').disabled = !select.value; });
    $('preset-load').disabled = true;
    $('preset-load').addEventListener('click', () => this.load(select.value));
  }

  /** The hash of preset `id`: its settings and fault, with the page's own preferences kept. */
  hash(id) {
    const p = this.list.find((x) => x.id === id);
    if (!p) return null;
    const now = this.current();
    const state = {
      ...defaults(),
      ...p.settings,
      fault: { [p.id]: p.fault },
      speed: now.speed,
      autopause: now.autopause,
      big: now.big,
      charts: p.charts ?? (now.scenario === p.scenario ? now.charts : scenarioCharts(p.scenario)),
    };
    return toHash(state);
  }

  /** Loads preset `id` as the live run. */
  load(id) {
    const hash = this.hash(id);
    if (hash === null) return;
    this.onLoad(hash, this.list.find((x) => x.id === id));
  }
}
