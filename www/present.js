// Presentation mode, for an instructor in front of a class: large type and
// high contrast, the keyboard (Space starts and pauses, 1-9 switch the
// learner's faults in order, r replays the run from its seed, n / p or a
// clicker's Page Down / Page Up step through the demo list, ? lists the
// keys), and the ordered demo list: every fault of both learners, in the
// registries' order, each switched on with its defaults (`present=true` in
// the URL; the state lives in state.js's page settings).

import { $, el } from './dom.js';
import { setPresenter } from './layout.js';
import { defaults, learners, scenarioCharts, toHash } from './state.js';

/** The keys, as the ? overlay lists them. */
export const KEYS = [
  [['Space'], 'Start or pause training'],
  [['1', '9'], 'Switch the learner’s failure modes on or off, in the order listed (their numbers)'],
  [['r'], 'Replay: the same run again from step 0 (same seed, same faults)'],
  [['n', 'Page Down'], 'Next demo'],
  [['p', 'Page Up'], 'Previous demo'],
  [['?'], 'Show or hide this list'],
  [['Esc'], 'Close this list'],
];

/** Whether a key press belongs to a field being typed in (or a modifier chord). */
function typing(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const t = e.target;
  const field = 'input:not([type="checkbox"], [type="radio"], [type="button"], [type="range"]), select, textarea, [contenteditable=""], [contenteditable="true"]';
  return t instanceof Element && Boolean(t.closest(field));
}

/** Presentation mode: the toggle, the demo bar, the keys and their overlay. */
export class Present {
  /**
   * `Lab`: the wasm class (its fault catalogues); `state()`: the page's
   * settings; `save()`: writes them to the URL; `redraw()`: asks the charts
   * for a frame.
   */
  constructor({ Lab, state, save, redraw }) {
    Object.assign(this, { state, save, redraw });
    this.demos = learners().map((l) => l.id).flatMap((scenario) => Lab.faults(scenario).map((f) => ({
      scenario, id: f.id, title: f.title || f.id, defaults: f.defaults,
    })));
    this.button = el('button', {
      id: 'present', attrs: { 'aria-pressed': 'false', type: 'button' },
      title: 'Presentation mode: large type, high contrast, keys (?)', text: 'Present',
    });
    this.button.addEventListener('click', () => {
      this.toggle();
      // Space must now start and pause, not press this button again.
      this.button.blur();
    });
    $('presenter').before(this.button);
    this.buildBar();
    this.buildKeys();
    this.toast = el('div', { class: 'present-toast', attrs: { role: 'status', 'aria-live': 'polite' }, hidden: true });
    document.body.append(this.toast);
    document.addEventListener('keydown', (e) => this.key(e));
    // A fault switched by hand may make (or unmake) a demo.
    $('faults').addEventListener('change', () => this.syncDemo());
  }

  buildBar() {
    this.select = el('select', { id: 'demo-select', attrs: { 'aria-label': 'Demo' } },
      new Option('Choose a demo…', ''),
      ...this.demos.map((d, i) => new Option(`${i + 1}. ${d.title}${d.scenario === 'classifier' ? '' : ` (${d.scenario === 'gan' ? 'GAN' : d.scenario})`}`, String(i))));
    this.select.addEventListener('change', () => {
      if (this.select.value !== '') this.demo(Number(this.select.value));
      this.select.blur();
    });
    const step = (by, text, label) => {
      const b = el('button', { type: 'button', class: 'demo-step', text, attrs: { 'aria-label': label } });
      b.addEventListener('click', () => { this.next(by); b.blur(); });
      return b;
    };
    const help = el('button', { type: 'button', class: 'link-button', id: 'keys-open', text: 'Keys (?)' });
    help.addEventListener('click', () => this.showKeys(true));
    this.bar = el('nav', { id: 'demo-bar', class: 'demo-bar', attrs: { 'aria-label': 'Demos' }, hidden: true },
      el('span', { class: 'demo-label', text: 'Demo' }),
      step(-1, '‹', 'Previous demo (p)'), this.select, step(1, '›', 'Next demo (n)'),
      el('span', { class: 'demo-hint', text: 'Space start/pause · 1–9 faults · r replay' }), help);
    document.querySelector('header.top').after(this.bar);
  }

  buildKeys() {
    const close = el('button', { type: 'button', text: 'Close (Esc)' });
    close.addEventListener('click', () => this.showKeys(false));
    this.keys = el('dialog', { id: 'keys', class: 'keys-dialog', attrs: { 'aria-labelledby': 'keys-title' } },
      el('h2', { id: 'keys-title', text: 'Keys' }),
      el('dl', {}, ...KEYS.flatMap(([keys, what]) => [
        el('dt', {}, ...keys.flatMap((k, i) => [i ? (k === '9' ? ' … ' : ' or ') : null, el('kbd', { text: k })])),
        el('dd', { text: what }),
      ])),
      el('p', { class: 'hint', text: 'Digits, r, n and p work in presentation mode (Present, or present=true in the URL); no key acts while you type in a field.' }),
      close);
    // A click on the backdrop closes it too.
    this.keys.addEventListener('click', (e) => { if (e.target === this.keys) this.showKeys(false); });
    document.body.append(this.keys);
  }

  /** Shows (or hides) the key list. */
  showKeys(on) {
    if (on && !this.keys.open) this.keys.showModal();
    else if (!on && this.keys.open) this.keys.close();
  }

  /** Presentation mode on or off, from the URL's state (also after a hash change). */
  apply() {
    const s = this.state();
    const on = Boolean(s.present);
    document.documentElement.classList.toggle('present', on);
    document.body.classList.toggle('present', on);
    setPresenter(Boolean(s.big) || on);
    this.button.setAttribute('aria-pressed', String(on));
    this.bar.hidden = !on;
    this.syncDemo();
  }

  /** The demo list shows the demo the live run is, if any. */
  syncDemo() {
    const i = this.current();
    this.select.value = i < 0 ? '' : String(i);
  }

  toggle() {
    const s = this.state();
    s.present = !s.present;
    this.save();
    this.apply();
    this.redraw();
  }

  /** The demo the live run is (its learner with one fault, nothing else changed), or -1. */
  current() {
    const s = this.state();
    const on = Object.keys(s.fault);
    return on.length === 1 ? this.demos.findIndex((d) => d.scenario === s.scenario && d.id === on[0]) : -1;
  }

  /** Loads demo `i`: its learner's default settings (this seed) with its fault on, paused. */
  demo(i) {
    const d = this.demos[(i + this.demos.length) % this.demos.length];
    const s = this.state();
    const next = {
      ...defaults(),
      scenario: d.scenario,
      seed: s.seed,
      charts: scenarioCharts(d.scenario),
      fault: { [d.id]: { kind: d.id, ...d.defaults } },
    };
    for (const keep of ['speed', 'autopause', 'big', 'present', 'hide']) next[keep] = s[keep];
    // main.js applies a changed hash as a new live run.
    location.hash = toHash(next);
    this.flash(`Demo ${this.demos.indexOf(d) + 1}: ${d.title}`);
  }

  next(by) {
    const i = this.current();
    this.demo(i < 0 ? (by > 0 ? 0 : -1) : i + by);
  }

  /** Switches the learner's fault number `n` (1-based) as its switch would. */
  fault(n) {
    const box = document.querySelectorAll('#faults .fault > .switch input[type="checkbox"]')[n - 1];
    if (!box) return;
    box.click();
    const title = box.closest('.switch').textContent.trim();
    this.flash(`${n} · ${title}: ${box.checked ? 'on' : 'off'}`);
  }

  replay() {
    $('reset').click();
    $('start').click();
    this.flash('Replay from step 0');
  }

  /** A short message over the charts, for the audience. */
  flash(text) {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toast.hidden = true; }, 1800);
  }

  key(e) {
    if (typing(e) || document.querySelector('dialog[open]:not(#keys)')) return;
    if (e.key === '?') {
      e.preventDefault();
      this.showKeys(!this.keys.open);
      return;
    }
    if (e.key === 'Escape' && this.keys.open) {
      e.preventDefault();
      this.showKeys(false);
      return;
    }
    if (!this.state().present || this.keys.open || e.repeat) return;
    if (/^[1-9]$/.test(e.key)) this.fault(Number(e.key));
    else if (e.key === 'r' || e.key === 'R') this.replay();
    else if (e.key === 'n' || e.key === 'PageDown') this.next(1);
    else if (e.key === 'p' || e.key === 'PageUp') this.next(-1);
    else return;
    e.preventDefault();
  }
}
