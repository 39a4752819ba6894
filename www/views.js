// The view of the failure itself, beside the charts: for the classifier its
// training data (flipped labels, leaked and removed points marked) over the
// network's decision surface; for the agent what it answers (the share of
// each kind of answer over time, watched and unwatched, and its most likely
// answers); for the GAN its generated points over the ring and the
// discriminator's verdict behind them. The training worker makes the view at
// its cadence (Lab.view, in Rust) and posts it with the metric points; the
// page only draws it
// (drawView, plotters on the canvas), on the next animation frame, and only
// while the panel is open. It is not part of the metric stream.

import { drawView } from './pkg/failure_lab.js';
import { chartScale } from './layout.js';

const TITLES = {
  classifier: 'View: the data and the decision surface',
  agent: 'View: what the agent answers',
  modular: 'View: every pair (a, b), right or wrong',
  gan: 'View: the generator’s points on the ring',
};

// An agent's view has a second drawing (mode 'kl', src/plots/kl.rs): its
// proxy reward and true quality against the KL divergence from its initial
// policy (issue 10). Each mode is a button; the other learners have one.
const MODES = [['main', 'What it answers'], ['kl', 'Reward against KL']];
const KL_TITLE = 'View: proxy reward and true quality against KL from the initial policy';

export class Views {
  /** `onError(message)`: a view could not be drawn (said once per run). */
  constructor({ onError }) {
    this.onError = onError;
    this.view = null;
    this.pending = false;
    this.failed = false;
    const panel = document.createElement('details');
    panel.id = 'view-panel';
    panel.className = 'view-panel';
    panel.open = true;
    const summary = document.createElement('summary');
    summary.id = 'view-title';
    summary.textContent = 'View of the failure';
    const canvas = document.createElement('canvas');
    canvas.id = 'view-canvas';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'The view of the failure: no view yet');
    const note = document.createElement('p');
    note.id = 'view-note';
    note.className = 'hint view-note';
    note.textContent = 'No view yet: start training.';
    this.mode = 'main';
    const modes = document.createElement('div');
    modes.id = 'view-modes';
    modes.className = 'view-modes';
    modes.hidden = true;
    for (const [mode, label] of MODES) {
      const b = document.createElement('button');
      Object.assign(b, { type: 'button', textContent: label });
      b.dataset.mode = mode;
      b.addEventListener('click', () => this.setMode(mode));
      modes.append(b);
    }
    panel.append(summary, modes, canvas, note);
    document.getElementById('charts').before(panel);
    Object.assign(this, { panel, summary, canvas, note, modes });
    this.setMode('main');
    panel.addEventListener('toggle', () => this.request());
    new ResizeObserver(() => this.request()).observe(canvas);
  }

  /** Shows the agent's drawing `mode` ('main' or 'kl'). */
  setMode(mode) {
    this.mode = MODES.some(([m]) => m === mode) ? mode : 'main';
    for (const b of this.modes.children) b.setAttribute('aria-pressed', String(b.dataset.mode === this.mode));
    this.panel.dataset.mode = this.mode;
    this.request();
  }

  /** A new run: no view until the worker sends one. */
  reset() {
    this.view = null;
    this.failed = false;
    delete this.panel.dataset.step;
    this.note.textContent = 'No view yet: start training.';
    const ctx = this.canvas.getContext('2d');
    ctx?.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** A view from the worker (Lab.view): drawn on the next frame. */
  show(view) {
    this.view = view;
    this.request();
  }

  request() {
    if (this.pending || !this.view || !this.panel.open) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const view = this.view;
    if (!view || !this.panel.open) return;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    const w = Math.max(1, Math.round(width * ratio));
    const h = Math.max(1, Math.round(height * ratio));
    if (this.canvas.width !== w || this.canvas.height !== h) Object.assign(this.canvas, { width: w, height: h });
    const big = chartScale();
    const agent = view.learner === 'agent';
    this.modes.hidden = !agent;
    const title = agent && this.mode === 'kl' ? KL_TITLE : TITLES[view.learner];
    const t0 = performance.now();
    try {
      drawView(this.canvas, view, { pixel_ratio: ratio * big, mode: agent ? this.mode : 'main' });
      this.panel.dataset.drawMs = (performance.now() - t0).toFixed(2);
    } catch (e) {
      if (!this.failed) this.onError(`The view could not be drawn: ${e.message}`);
      this.failed = true;
      return;
    }
    this.summary.textContent = title ?? 'View of the failure';
    this.panel.dataset.learner = view.learner;
    this.panel.dataset.step = String(view.step);
    this.panel.dataset.ms = view.ms?.toFixed(2) ?? '';
    // The KL drawing's last point in words (and data-kl), for a screen reader.
    const kl = agent && this.mode === 'kl' ? view.kl : null;
    const last = kl?.kl?.length ? kl.kl.length - 1 : -1;
    this.panel.dataset.kl = last >= 0 ? String(kl.kl[last]) : '';
    const figures = last >= 0 ? `: KL ${kl.kl[last].toFixed(2)}, proxy reward ${kl.reward[last].toFixed(2)}, true quality ${kl.quality[last].toFixed(2)}` : '';
    this.canvas.setAttribute('aria-label', `${title} at step ${view.step}${figures}`);
    this.note.textContent = `Step ${view.step}, made in ${view.ms?.toFixed(1) ?? '?'} ms where the run trains (every ${view.learner === 'agent' ? '10 steps recorded' : '10 steps at most'}), not part of the metrics.`;
  }
}
