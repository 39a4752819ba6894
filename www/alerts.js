// The alert list, as a diagnosis (src/diagnosis.rs ranks it): the root
// cause the lab believes first, the course's own detector beside it, then
// what follows; each finding with its message, recommendation, the
// detector's explanation and, when the automatic response is on, what it did.
// Critical findings also raise the banner and flash the page title.

import { $, el } from './dom.js';

/** At most this many detectors' cards follow the cause (the count shows every finding). */
const SHOWN = 40;
/** While findings keep coming, the list is ranked and drawn at most this often, in ms. */
const SHOW_MS = 300;
const TITLE = document.title;

/**
 * Long numbers in a message, shortened to a readable width: 170 digits
 * become "1.23e169", a long fraction 4 significant digits.
 */
export function readableNumbers(text) {
  return text.replace(/-?\d[\d.]*(?:e[+-]?\d+)?/gi, (m) => {
    const digits = m.replace(/[^\d]/g, '').length;
    const x = Number(m);
    if (digits <= 8 || !Number.isFinite(x)) return m;
    return Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
  });
}

/** The alert list, ranked as a diagnosis, and the banner. */
export class Alerts {
  /**
   * `docs`: Map of detector id -> registry documentation; `diagnose(findings)`
   * ranks findings ({cause, course, symptoms}: indices, from Rust);
   * `onShowStep(step)` zooms the charts.
   */
  constructor({ docs, diagnose, onShowStep }) {
    this.docs = docs;
    this.diagnose = diagnose;
    this.onShowStep = onShowStep;
    this.findings = [];
    // What the ranking reads of each finding.
    this.seen = [];
    this.timer = null;
    this.responses = [];
    this.responding = false;
    this.count = 0;
    this.bannerStep = null;
    this.bannerText = '';
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
    this.findings = [];
    this.seen = [];
    this.responses = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    $('alerts').replaceChildren();
    this.updateCount();
    this.hideBanner();
  }

  /**
   * Adds findings (in the order they fired) and ranks the whole list again:
   * the root cause first with the course's own detector beside it, then
   * what follows. `responses` (may be empty) are the automatic response's
   * actions; `responding` says whether it is on. Returns the first critical
   * finding among the new ones, or null.
   */
  add(findings, responses = [], responding = false, quiet = false) {
    this.findings.push(...findings);
    for (const f of findings) this.seen.push({ detector: f.detector, step: f.step, severity: f.severity });
    this.responses.push(...responses);
    this.responding = responding;
    const critical = findings.find((f) => f.severity === 'critical') || null;
    this.schedule(quiet);
    this.count += findings.length;
    this.updateCount();
    if (critical && !quiet) this.critical(critical, this.responseTo(critical));
    return critical;
  }

  /** The response to finding `f` (same step and detector), or null. */
  responseTo(f) {
    return this.responses.find((r) => r.step === f.step && r.detector === f.detector) || null;
  }

  /**
   * Ranks and draws the list now (`now`), or at most every SHOW_MS while
   * findings keep coming: a run can report many, and the page must stay
   * responsive.
   */
  schedule(now = false) {
    if (now) {
      this.show();
      return;
    }
    if (this.timer === null) this.timer = setTimeout(() => this.show(), SHOW_MS);
  }

  /** Draws any findings not drawn yet. */
  flush() {
    if (this.timer !== null) this.show();
  }

  /**
   * Draws the ranked list: the cause and the course's detector, then one
   * card per detector for what follows (its first finding, with how often
   * it fired since), so that a run with thousands of findings stays a
   * short diagnosis and a light page.
   */
  show() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const all = this.findings;
    const d = this.diagnose(this.seen);
    // Responses by "detector@step", each used once.
    const pending = new Map();
    this.responses.forEach((r, k) => {
      const key = `${r.detector}@${r.step}`;
      pending.set(key, [...(pending.get(key) || []), k]);
    });
    const used = new Set();
    const take = (f) => {
      const ks = pending.get(`${f.detector}@${f.step}`);
      const k = ks && ks.find((j) => !used.has(j));
      if (k === undefined) return null;
      used.add(k);
      return this.responses[k];
    };
    const card = (i, role, repeats = null) => {
      const f = all[i];
      const li = this.render(f, take(f), this.responding, repeats);
      li.dataset.role = role;
      return li;
    };
    const items = [];
    if (d.cause !== undefined && d.cause !== null) {
      items.push(el('li', { class: 'group', text: 'What is wrong: the most likely cause' }));
      items.push(card(d.cause, 'cause'));
      if (d.course !== undefined && d.course !== null) {
        const course = card(d.course, 'course');
        course.querySelector('header').append(el('span', { class: 'course-tag', text: 'the course’s own detector' }));
        items.push(course);
      }
    }
    // What follows, one card per detector in the order of its first
    // (ranked) finding; the others of that detector are counted on it.
    const groups = new Map();
    for (const i of d.symptoms) {
      const f = all[i];
      const g = groups.get(f.detector);
      if (g) {
        g.count += 1;
        g.last = Math.max(g.last, f.step);
        if (take(f)) g.acted += 1;
      } else {
        groups.set(f.detector, { first: i, count: 1, last: f.step, acted: 0 });
      }
    }
    if (groups.size) items.push(el('li', { class: 'group', text: 'What follows from it' }));
    for (const g of [...groups.values()].slice(0, SHOWN)) items.push(card(g.first, 'symptom', g));
    if (groups.size > SHOWN) items.push(el('li', { class: 'group', text: `… and ${groups.size - SHOWN} more detectors` }));
    this.responses.forEach((r, k) => { if (!used.has(k)) items.push(renderResponse(r)); });
    $('alerts').replaceChildren(...items);
  }

  updateCount() {
    $('alert-count').textContent = String(this.count);
    $('no-alerts').hidden = this.count > 0;
  }

  /** One finding's card; `repeats` ({count, last, acted}) when it stands for its detector's later findings too. */
  render(f, response, responding, repeats = null) {
    const doc = this.docs.get(f.detector);
    const step = el('button', {
      class: 'step-link', type: 'button', text: `step ${f.step}`,
      title: 'Show this step on the charts', onclick: () => this.onShowStep(f.step),
    });
    const li = el('li', { class: f.yours ? 'alert yours' : 'alert', data: { detector: f.detector, severity: f.severity, step: String(f.step) } },
      el('header', {},
        el('span', { class: 'sev', text: f.severity }),
        el('span', { class: 'title', text: doc ? doc.title : f.detector }),
        f.yours ? el('span', { class: 'yours-tag', text: 'yours', title: 'A finding of your own detector (Your detectors)' }) : null,
        step),
      el('p', { class: 'msg', text: readableNumbers(f.message) }),
      el('p', { class: 'rec' }, el('b', { text: 'Do: ' }), f.recommendation));
    if (repeats && repeats.count > 1) {
      li.dataset.count = String(repeats.count);
      const acted = repeats.acted ? `; the automatic response acted on ${repeats.acted} of the later ones` : '';
      li.append(el('p', { class: 'repeats', text: `Fired ${repeats.count} times, the last at step ${repeats.last}${acted}.` }));
    }
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

  /**
   * The banner and the title flash for a critical finding; `response` is
   * what the automatic response did about it (then the run goes on).
   */
  critical(f, response = null) {
    const doc = this.docs.get(f.detector);
    const then = response ? ` The automatic response acted: ${response.action}. Training goes on.` : '';
    this.showBanner(`Critical · step ${f.step} · ${doc ? doc.title : f.detector}`,
      `${readableNumbers(f.message).replace(/[.!]?$/, '.')} ${f.recommendation}${then}`, f.step);
    this.flash(`⚠ ${doc ? doc.title : 'Critical finding'}`);
  }

  /** Says in the banner whether training was paused for it (the banner follows the run). */
  setPaused(paused) {
    if ($('banner').hidden) return;
    $('banner-text').textContent = paused ? `${this.bannerText} Training paused.` : this.bannerText;
  }

  /** Shows `title` and `text` in the banner; `step` (optional) is where "Show on chart" goes. */
  showBanner(title, text, step = null) {
    $('banner').hidden = false;
    $('banner-title').textContent = title;
    $('banner-text').textContent = text;
    this.bannerText = text;
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
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) {
      // No blinking: the title says it once, until the banner is closed.
      document.title = text;
      return;
    }
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
