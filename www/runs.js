// The stored runs: the list (rename, delete, export), which of them are
// overlaid on the charts, and which run is in focus (the live run or a
// stored one, whose alerts are listed and whose findings are marked).

import { $, el, when } from './dom.js';
import { download, fileName, toCsv, toJson } from './io.js';
import * as store from './store.js';
import { StoreRescue } from './store-rescue.js';

/** A run's name short enough for a chart legend. */
const short = (name) => (name.length > 28 ? `${name.slice(0, 27)}…` : name);

const plural = (n, word) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** The runs panel and the view over runs. */
export class Runs {
  /**
   * `board`: the wasm Board the charts draw stored runs from; `palette`:
   * line colours; `liveId()`: the live run's record id; `onView()`: the view
   * changed; `onLoadSettings(state)`: the learner wants a stored run's settings.
   */
  constructor({ board, palette, liveId, onView, onLoadSettings, onForget, onRenamed, onError }) {
    Object.assign(this, { board, palette, liveId, onView, onLoadSettings, onForget, onRenamed, onError });
    this.runs = [];
    this.primary = 'live';
    this.overlays = [];
    this.pending = null;
    $('viewing-live').addEventListener('click', () => this.open('live'));
  }

  /** What the charts draw: {live, traces, markers}. */
  view() {
    if (this.primary === 'live') return { live: true, traces: [...this.overlays], markers: 'live' };
    return { live: false, traces: [this.primary, ...this.overlays.filter((id) => id !== this.primary)], markers: this.primary };
  }

  /** The stored run in focus, or null for the live run. */
  focused() {
    return this.primary === 'live' ? null : this.runs.find((r) => r.id === this.primary) || null;
  }

  /** The colour of a shown run (by its place among the shown runs), or null. */
  colour(id) {
    const v = this.view();
    const order = v.live ? ['live', ...v.traces] : v.traces;
    const i = order.indexOf(id === this.liveId() && v.live ? 'live' : id);
    return i < 0 ? null : this.palette[i % this.palette.length];
  }

  /** Re-reads the list from the store (at most one read at a time). */
  refresh() {
    if (this.pending) { this.again = true; return this.pending; }
    this.rescue ??= new StoreRescue({ onReset: () => this.refresh(), onError: this.onError });
    this.pending = store.list()
      .then((runs) => { this.runs = runs; this.rescue.show(null); this.render(); })
      .catch((e) => {
        this.rescue.show(store.unavailable ? null : e.message);
        this.onError(`Stored runs could not be read: ${e.message}`);
      })
      .finally(() => {
        this.pending = null;
        if (this.again) { this.again = false; this.refresh(); }
      });
    return this.pending;
  }

  /** Loads run `id` onto the board unless it is there already. */
  async load(id) {
    if (this.board.has(id)) return;
    const run = await store.get(id);
    if (!run) throw new Error('that run is no longer stored');
    const metrics = await store.series(id);
    try {
      this.board.add(id, short(run.name));
      for (const [name, s] of Object.entries(metrics)) this.board.addSeries(id, name, s.steps, s.values);
      this.board.setFindings(id, run.findings || []);
      this.board.setActions(id, (run.responses || []).map((r) => r?.step));
    } catch (e) {
      // Never half-registered: a later open tries again and says why.
      this.board.remove(id);
      throw new Error(`run '${run.name}' cannot be shown: ${e.message}`);
    }
  }

  /** Focuses run `id` ('live' for the live run): its alerts are listed and its findings marked. */
  async open(id) {
    try {
      if (id !== 'live') await this.load(id);
    } catch (e) {
      this.onError(`That run could not be opened: ${e.message}`);
      return;
    }
    this.primary = id;
    const run = this.focused();
    $('viewing').hidden = !run;
    $('viewing-text').textContent = run ? `Viewing a stored run: ${run.name}` : '';
    this.render();
    this.onView();
  }

  /** Overlays run `id` on the charts, or takes it off. */
  async overlay(id, on) {
    if (on) {
      try {
        await this.load(id);
      } catch (e) {
        this.onError(`That run could not be shown: ${e.message}`);
        this.render();
        return;
      }
      if (!this.overlays.includes(id)) this.overlays.push(id);
    } else {
      this.overlays = this.overlays.filter((x) => x !== id);
    }
    this.render();
    this.onView();
  }

  async rename(id, name) {
    const clean = name.trim().slice(0, 120);
    if (!clean) { this.onError('A run needs a name'); this.render(); return; }
    try {
      await store.rename(id, clean);
      if (this.board.has(id)) {
        this.board.remove(id);
        await this.load(id);
      }
      this.onRenamed(id, clean);
    } catch (e) {
      this.onError(`The run could not be renamed: ${e.message}`);
    }
    await this.refresh();
    this.onView();
  }

  async remove(id) {
    try {
      await store.remove(id);
    } catch (e) {
      this.onError(`The run could not be deleted: ${e.message}`);
      return;
    }
    this.onForget(id);
    this.board.remove(id);
    this.overlays = this.overlays.filter((x) => x !== id);
    if (this.primary === id) await this.open('live');
    await this.refresh();
    this.onView();
  }

  async exportRun(id, kind) {
    try {
      const run = await store.get(id);
      const metrics = await store.series(id);
      if (!run) throw new Error('that run is no longer stored');
      if (kind === 'csv') download(fileName(run.name, 'csv'), new Blob([toCsv(metrics)], { type: 'text/csv' }));
      else download(fileName(run.name, 'json'), new Blob([toJson(run, metrics)], { type: 'application/json' }));
    } catch (e) {
      this.onError(`The run could not be exported: ${e.message}`);
    }
  }

  render() {
    $('runs-count').textContent = String(this.runs.length);
    $('no-runs').hidden = this.runs.length > 0;
    $('runs').replaceChildren(...this.runs.map((r) => this.item(r)));
  }

  item(run) {
    const isLive = run.id === this.liveId();
    const colour = this.colour(run.id);
    const swatch = el('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    if (colour) swatch.style.backgroundColor = colour;
    const counts = run.counts || {};
    const meta = [
      run.source === 'import' ? 'imported' : isLive ? 'live now' : 'trained',
      plural(run.steps || 0, 'step'),
      counts.critical ? `${counts.critical} critical` : null,
      counts.warning ? `${counts.warning} warning` : null,
      when(run.created),
    ].filter(Boolean).join(' · ');
    const overlay = el('input', {
      type: 'checkbox', class: 'run-overlay', checked: this.overlays.includes(run.id),
      disabled: isLive && this.primary === 'live',
      onchange: (e) => this.overlay(run.id, e.target.checked),
    });
    const button = (cls, text, title, onclick) => el('button', { class: cls, type: 'button', text, title, onclick });
    const remove = button('run-delete danger', 'Delete', 'Delete this run from the browser', () => {
      if (remove.dataset.armed) { this.remove(run.id); return; }
      remove.dataset.armed = '1';
      remove.textContent = 'Really delete?';
      setTimeout(() => { delete remove.dataset.armed; remove.textContent = 'Delete'; }, 4000);
    });
    const name = el('span', { class: 'run-name', text: run.name });
    const li = el('li', { class: 'run', data: { id: run.id, source: run.source } },
      el('div', { class: 'run-head' },
        swatch,
        el('div', { class: 'run-main' }, name, el('span', { class: 'run-meta', text: meta })),
        el('label', { class: 'run-overlay-label', title: 'Overlay this run on the charts' }, overlay, el('span', { text: 'show' }))),
      el('div', { class: 'run-actions' },
        this.primary === run.id
          ? button('run-view', 'Close', 'Back to the live run', () => this.open('live'))
          : button('run-view', 'Open', 'Focus this run: its alerts and markers', () => this.open(run.id)),
        button('run-rename', 'Rename', 'Rename this run', () => this.editName(li, name, run)),
        button('run-csv', 'CSV', 'Export the metrics as CSV', () => this.exportRun(run.id, 'csv')),
        button('run-json', 'JSON', 'Export everything as JSON', () => this.exportRun(run.id, 'json')),
        run.source === 'live' && run.state
          ? button('run-load', 'Re-run', 'Load this run’s settings and seed', () => this.onLoadSettings(run.state))
          : null,
        remove));
    if (this.primary === run.id) li.classList.add('focused');
    return li;
  }

  editName(li, name, run) {
    const input = el('input', { type: 'text', class: 'run-name-input', value: run.name, maxLength: 120, attrs: { 'aria-label': 'Run name' } });
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      if (save && input.value.trim() !== run.name) this.rename(run.id, input.value);
      else this.render();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    name.replaceWith(input);
    input.focus();
    input.select();
  }
}
