// The charts: which metrics are shown (chosen by the learner), one canvas
// each, drawn by Rust; zoom and pan over steps with the wheel, a drag, the
// keyboard or the range fields; PNG export of each chart.

import { $, el, notice } from './dom.js';
import { downloadPng, fileName } from './io.js';
import { knownMetricTitle as knownTitle } from './words.js';

const SCALES = ['auto', 'log', 'linear'];
const ZOOM = 1.25;

/** The chart keys for a set of metric names: `val_x` joins `x`'s chart, `a/b` joins `a/*`. */
export function chartKeys(names) {
  const set = new Set(names);
  const keys = [];
  for (const n of names) {
    let key = n;
    if (n.includes('/')) key = `${n.split('/')[0]}/*`;
    else if (n.startsWith('val_') && set.has(n.slice(4))) key = n.slice(4);
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** The metrics a chart key draws. */
export function chartMetrics(key) {
  return key.endsWith('/*') ? [key] : [key, `val_${key}`];
}

/** A chart's title. */
export const chartTitle = (key) => knownTitle(key) || (key.endsWith('/*') ? `${key.slice(0, -2)} per layer` : key);

/** The canvas id of a chart key: chart-loss, chart-grad_norm, chart-grad_norm-layers. */
export const canvasId = (key) => `chart-${key.replace(/\/\*$/, '-layers').replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The chart panel. `onSelect(keys)` is told when the learner picks other charts. */
export class Charts {
  constructor({ onSelect }) {
    this.onSelect = onSelect;
    this.selected = [];
    this.available = [];
    this.cards = new Map();
    this.scales = new Map();
    this.range = null;
    this.plots = new Map();
    this.dirty = true;
    this.drawCount = 0;
    // Canvas sizes, kept by a ResizeObserver so drawing never forces a layout.
    this.sizes = new Map();
    this.resizes = new ResizeObserver((entries) => {
      for (const e of entries) this.sizes.set(e.target, [e.contentRect.width, e.contentRect.height]);
      this.request();
    });
    this.bindRange();
    document.addEventListener('click', (e) => {
      const menu = $('picker-menu');
      if (menu.open && !menu.contains(e.target)) menu.open = false;
    });
  }

  /** Asks for a redraw at the next frame. */
  request() { this.dirty = true; }

  /** Shows these chart keys, in this order. */
  setSelection(keys) {
    this.selected = [...keys];
    this.renderPicker();
    this.renderCards();
    this.request();
  }

  /** The metric names that could be charted now (of every run shown). */
  setAvailable(names) {
    const keys = chartKeys(names);
    if (keys.join() === this.available.join()) return;
    this.available = keys;
    this.renderPicker();
  }

  renderPicker() {
    const keys = [...this.available, ...this.selected.filter((k) => !this.available.includes(k))];
    $('picker-count').textContent = `${this.selected.length} of ${keys.length}`;
    $('chart-picker').replaceChildren(...keys.map((key) => el('button', {
      class: 'chip',
      text: chartTitle(key),
      data: { key },
      attrs: { 'aria-pressed': String(this.selected.includes(key)), type: 'button' },
      onclick: () => this.toggle(key),
    })));
  }

  toggle(key) {
    const next = this.selected.includes(key) ? this.selected.filter((k) => k !== key) : [...this.selected, key];
    this.setSelection(next);
    this.onSelect(next);
  }

  renderCards() {
    const container = $('charts');
    for (const [key, card] of this.cards) {
      if (!this.selected.includes(key)) {
        const canvas = card.querySelector('canvas');
        this.resizes.unobserve(canvas);
        this.sizes.delete(canvas);
        card.remove();
        this.cards.delete(key);
        this.plots.delete(key);
      }
    }
    for (const key of this.selected) {
      if (!this.cards.has(key)) this.cards.set(key, this.makeCard(key));
    }
    container.replaceChildren(...this.selected.map((k) => this.cards.get(k)));
    container.dataset.count = String(this.selected.length);
  }

  makeCard(key) {
    const canvas = el('canvas', {
      id: canvasId(key),
      tabIndex: 0,
      attrs: { role: 'img', 'aria-label': `${chartTitle(key)}. Zoom with + and −, pan with the arrow keys, 0 for the whole run.` },
    });
    const scale = el('button', { class: 'chart-scale', type: 'button', title: 'Value axis: auto (log when the values span over three decades), log or linear' });
    const png = el('button', { class: 'chart-png', type: 'button', text: 'PNG', title: 'Save this chart as a PNG image' });
    const setScaleText = () => { scale.textContent = this.scales.get(key) || 'auto'; };
    setScaleText();
    scale.onclick = () => {
      const now = this.scales.get(key) || 'auto';
      this.scales.set(key, SCALES[(SCALES.indexOf(now) + 1) % SCALES.length]);
      setScaleText();
      this.request();
    };
    png.onclick = () => downloadPng(canvas, fileName(chartTitle(key), 'png')).catch((e) => notice(e.message));
    this.bindZoom(canvas, key);
    this.resizes.observe(canvas);
    return el('figure', { class: 'chart-card', data: { key } }, canvas, el('div', { class: 'chart-tools' }, scale, png));
  }

  /**
   * Draws every chart: `lab` draws the live run and the stored runs of
   * `board` that `view` names ({live, traces, markers}). Returns the time taken in ms.
   */
  draw(lab, board, view, pixelScale = 1) {
    const t0 = performance.now();
    const ratio = (window.devicePixelRatio || 1);
    for (const key of this.selected) {
      const canvas = this.cards.get(key).querySelector('canvas');
      const [cssW, cssH] = this.sizes.get(canvas) || [0, 0];
      if (cssW < 1 || cssH < 1) continue;
      const w = Math.round(cssW * ratio);
      const h = Math.round(cssH * ratio);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      try {
        const plot = lab.draw(canvas, {
          metrics: chartMetrics(key),
          title: chartTitle(key),
          scale: this.scales.get(key) || 'auto',
          range: this.range || undefined,
          pixel_ratio: ratio * pixelScale,
          live: view.live,
          traces: view.traces,
          markers: view.markers,
        }, board);
        this.plots.set(key, { ...plot, ratio });
      } catch (e) {
        notice(e.message);
      }
    }
    this.dirty = false;
    this.drawCount += 1;
    const t1 = performance.now();
    performance.measure('lab:draw', { start: t0, end: t1 });
    if (this.drawCount % 500 === 0) performance.clearMeasures('lab:draw');
    this.showRange();
    return t1 - t0;
  }

  /** The steps shown now: the zoomed range or the whole run of the last drawing. */
  extent() {
    if (this.range) return this.range;
    const any = this.plots.values().next().value;
    return any ? [any.x0, any.x1] : [0, 1];
  }

  /** Shows `[from, to]` (null: the whole run). */
  setRange(range) {
    if (range) {
      let [from, to] = range.map((x) => Math.round(x));
      from = Math.max(0, from);
      if (to - from < 4) to = from + 4;
      range = [from, to];
    }
    this.range = range;
    this.request();
  }

  /** Zooms by `factor` (<1 in) around step `at`. */
  zoom(factor, at) {
    const [x0, x1] = this.extent();
    const anchor = at ?? (x0 + x1) / 2;
    const from = anchor - (anchor - x0) * factor;
    const to = anchor + (x1 - anchor) * factor;
    const whole = this.wholeRun();
    if (factor > 1 && whole && from <= whole[0] && to >= whole[1]) this.setRange(null);
    else this.setRange([from, to]);
  }

  /** Moves the view by `fraction` of its width. */
  pan(fraction) {
    const [x0, x1] = this.extent();
    let shift = (x1 - x0) * fraction;
    if (x0 + shift < 0) shift = -x0;
    this.setRange([x0 + shift, x1 + shift]);
  }

  wholeRun() {
    return this.lastWhole || null;
  }

  /** Centres the view on `step`, zoomed to show a tenth of the run around it. */
  focusStep(step) {
    const [x0, x1] = this.wholeRun() || this.extent();
    const half = Math.max(25, (x1 - x0) / 10);
    this.setRange([step - half, step + half]);
    $('charts').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  stepAt(key, canvas, clientX) {
    const plot = this.plots.get(key);
    if (!plot) return null;
    const rect = canvas.getBoundingClientRect();
    const x = (clientX - rect.left) * plot.ratio;
    const f = (x - plot.left) / Math.max(1, plot.right - plot.left);
    return plot.x0 + Math.min(1, Math.max(0, f)) * (plot.x1 - plot.x0);
  }

  bindZoom(canvas, key) {
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.zoom(e.deltaY > 0 ? ZOOM : 1 / ZOOM, this.stepAt(key, canvas, e.clientX));
    }, { passive: false });
    let drag = null;
    canvas.addEventListener('pointerdown', (e) => {
      const plot = this.plots.get(key);
      if (!plot || e.button !== 0) return;
      drag = { x: e.clientX, extent: this.extent(), width: (plot.right - plot.left) / plot.ratio };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const [x0, x1] = drag.extent;
      let shift = -((e.clientX - drag.x) / Math.max(1, drag.width)) * (x1 - x0);
      if (x0 + shift < 0) shift = -x0;
      if (Math.abs(e.clientX - drag.x) > 2) this.setRange([x0 + shift, x1 + shift]);
    });
    const end = () => { drag = null; };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('dblclick', () => this.setRange(null));
    canvas.addEventListener('keydown', (e) => {
      const actions = {
        '+': () => this.zoom(1 / ZOOM), '=': () => this.zoom(1 / ZOOM), '-': () => this.zoom(ZOOM),
        ArrowLeft: () => this.pan(-0.1), ArrowRight: () => this.pan(0.1),
        0: () => this.setRange(null), Home: () => this.setRange(null),
      };
      const act = actions[e.key];
      if (act) { e.preventDefault(); act(); }
    });
  }

  bindRange() {
    const apply = () => {
      const from = $('range-from').value.trim();
      const to = $('range-to').value.trim();
      if (from === '' && to === '') { this.setRange(null); return; }
      const [x0, x1] = this.extent();
      const a = from === '' ? x0 : Number(from);
      const b = to === '' ? x1 : Number(to);
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b <= a) {
        notice(`Steps: '${from}' to '${to}' must be whole numbers from 0 up, the first below the second`);
        this.showRange(true);
        return;
      }
      notice('');
      this.setRange([a, b]);
    };
    $('range-from').addEventListener('change', apply);
    $('range-to').addEventListener('change', apply);
    $('range-reset').addEventListener('click', () => this.setRange(null));
  }

  /** Writes the visible steps into the range fields (unless one is being edited). */
  showRange(force = false) {
    if (!this.range) {
      const any = this.plots.values().next().value;
      if (any) this.lastWhole = [any.x0, any.x1];
    }
    const [x0, x1] = this.extent();
    for (const [id, v] of [['range-from', x0], ['range-to', x1]]) {
      const input = $(id);
      if (force || document.activeElement !== input) input.value = String(Math.round(v));
    }
    $('range-reset').disabled = !this.range;
  }
}
