// What a screen reader needs that the page draws: new findings announced
// through a polite live region (a few words a finding, at most one
// announcement every 2 s, the others counted), and a text summary of each
// chart of the live run (its metric's last value, least and greatest) on the
// chart's figure, refreshed every 2 s. Issue 11, accessibility.

const ANNOUNCE_MS = 2000;

export class Access {
  /** `view()`: the live run's LiveView; `title(key)`: a metric's chart title. */
  constructor({ view, title }) {
    Object.assign(this, { view, title });
    this.region = document.createElement('div');
    this.region.id = 'announcer';
    this.region.className = 'visually-hidden';
    this.region.setAttribute('role', 'status');
    this.region.setAttribute('aria-live', 'polite');
    document.body.append(this.region);
    this.queue = [];
    this.lastSaid = 0;
    setInterval(() => { this.say(); this.summarise(); }, ANNOUNCE_MS);
  }

  /** New findings of the live run, to be announced. */
  findings(list) {
    for (const f of list) if (f.severity !== 'info') this.queue.push(f);
    if (performance.now() - this.lastSaid >= ANNOUNCE_MS) this.say();
  }

  say() {
    if (!this.queue.length) return;
    const [first, ...rest] = this.queue;
    this.queue = [];
    this.lastSaid = performance.now();
    const more = rest.length ? ` (and ${rest.length} more finding${rest.length > 1 ? 's' : ''})` : '';
    this.region.textContent = `${first.severity} at step ${first.step}: ${first.message}${more}`;
  }

  /** Each chart's text summary, from the live run's points. */
  summarise() {
    const view = this.view();
    if (!view) return;
    for (const figure of document.querySelectorAll('figure.chart-card')) {
      const key = figure.dataset.key;
      let caption = figure.querySelector('figcaption.chart-summary');
      if (!caption) {
        caption = document.createElement('figcaption');
        caption.className = 'chart-summary visually-hidden';
        figure.append(caption);
      }
      let text = `${this.title(key)}: no points yet.`;
      try {
        const values = view.values(key);
        const steps = view.stepsOf(key);
        if (values.length) {
          let lo = Infinity;
          let hi = -Infinity;
          for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
          const fmt = (v) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
          text = `${this.title(key)}: ${fmt(values[values.length - 1])} at step ${steps[steps.length - 1]}`
            + (lo <= hi ? `; least ${fmt(lo)}, greatest ${fmt(hi)} over ${values.length} points.` : '.');
        }
      } catch {
        text = `${this.title(key)}: a chart of several series (no text summary).`;
      }
      if (caption.textContent !== text) caption.textContent = text;
    }
  }
}
