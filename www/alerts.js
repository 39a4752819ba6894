// The alert list: every finding with its message, recommendation, the
// detector's explanation and, when the automatic response is on, what it did.
// Critical findings also raise the banner and flash the page title.

import { $, el } from './dom.js';

/** At most this many alerts are kept on the page (the count shows them all). */
const SHOWN = 300;
const TITLE = document.title;

/** The alert list and the banner. */
export class Alerts {
  /** `docs`: Map of detector id -> registry documentation; `onShowStep(step)` zooms the charts. */
  constructor({ docs, onShowStep }) {
    this.docs = docs;
    this.onShowStep = onShowStep;
    this.count = 0;
    this.bannerStep = null;
    this.flashing = null;
    $('banner-close').addEventListener('click', () => this.hideBanner());
    $('banner-show').addEventListener('click', () => {
      if (this.bannerStep !== null) this.onShowStep(this.bannerStep);
    });
    window.addEventListener('focus', () => this.stopFlash());
  }

  /** Empties the list and hides the banner. */
  clear() {
    this.count = 0;
    $('alerts').replaceChildren();
    this.updateCount();
    this.hideBanner();
  }

  /**
   * Adds findings at the top of the list. `responses` (may be empty) are the
   * automatic response's actions; `responding` says whether it is on.
   * Returns the first critical finding, or null.
   */
  add(findings, responses = [], responding = false, quiet = false) {
    const list = $('alerts');
    let critical = null;
    const used = new Set();
    for (const f of findings) {
      const i = responses.findIndex((r, k) => !used.has(k) && r.step === f.step && r.detector === f.detector);
      if (i >= 0) used.add(i);
      list.prepend(this.render(f, i >= 0 ? responses[i] : null, responding));
      if (f.severity === 'critical' && !critical) critical = f;
    }
    responses.forEach((r, k) => { if (!used.has(k)) list.prepend(renderResponse(r)); });
    while (list.childElementCount > SHOWN) list.lastElementChild.remove();
    this.count += findings.length;
    this.updateCount();
    if (critical && !quiet) this.critical(critical);
    return critical;
  }

  updateCount() {
    $('alert-count').textContent = String(this.count);
    $('no-alerts').hidden = this.count > 0;
  }

  render(f, response, responding) {
    const doc = this.docs.get(f.detector);
    const step = el('button', {
      class: 'step-link', type: 'button', text: `step ${f.step}`,
      title: 'Show this step on the charts', onclick: () => this.onShowStep(f.step),
    });
    const li = el('li', { class: 'alert', data: { detector: f.detector, severity: f.severity, step: String(f.step) } },
      el('header', {},
        el('span', { class: 'sev', text: f.severity }),
        el('span', { class: 'title', text: doc ? doc.title : f.detector }),
        step),
      el('p', { class: 'msg', text: f.message }),
      el('p', { class: 'rec' }, el('b', { text: 'Do: ' }), f.recommendation));
    if (response) {
      li.append(el('p', { class: 'action' }, el('b', { text: 'Pipeline: ' }), response.action));
    } else if (responding) {
      li.append(el('p', { class: 'action none', text: 'Pipeline: no action on this finding.' }));
    }
    if (doc) {
      li.append(el('details', {},
        el('summary', { text: 'Why this fired' }),
        el('p', { text: doc.what }),
        el('p', { text: doc.why }),
        el('p', { text: `Threshold: ${doc.threshold}` })));
    }
    return li;
  }

  /** The banner and the title flash for a critical finding. */
  critical(f) {
    const doc = this.docs.get(f.detector);
    this.showBanner(`Critical · step ${f.step} · ${doc ? doc.title : f.detector}`, `${f.message.replace(/[.!]?$/, '.')} ${f.recommendation}`, f.step);
    this.flash(`⚠ ${doc ? doc.title : 'Critical finding'}`);
  }

  /** Shows `title` and `text` in the banner; `step` (optional) is where "Show on chart" goes. */
  showBanner(title, text, step = null) {
    $('banner').hidden = false;
    $('banner-title').textContent = title;
    $('banner-text').textContent = text;
    this.bannerStep = step;
    $('banner-show').hidden = step === null;
  }

  hideBanner() {
    $('banner').hidden = true;
    this.stopFlash();
  }

  /** Alternates the page title with `text` for ten seconds (or until the page is focused). */
  flash(text) {
    this.stopFlash();
    let on = false;
    let ticks = 0;
    this.flashing = setInterval(() => {
      on = !on;
      document.title = on ? text : TITLE;
      ticks += 1;
      if (ticks >= 20) this.stopFlash();
    }, 500);
  }

  stopFlash() {
    if (this.flashing !== null) clearInterval(this.flashing);
    this.flashing = null;
    document.title = TITLE;
  }
}

function renderResponse(r) {
  return el('li', { class: 'response', data: { detector: r.detector, step: String(r.step) } },
    el('header', {}, el('span', { class: 'sev', text: 'response' }), el('span', { class: 'title', text: `step ${r.step}` })),
    el('p', { class: 'action' }, el('b', { text: 'Pipeline: ' }), r.action));
}
