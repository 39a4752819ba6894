// Share / Embed: the link to the current run, and the two ways to put it in
// a course page, generated for the current settings: an <iframe> of the
// lab's page, and the <failure-lab> element of embed.js (one module script
// tag). Options choose the parts to hide, autoplay and presentation mode.

import { SINGLE } from './build-info.js';
import { $, el } from './dom.js';
import { HIDEABLE, toHash } from './state.js';

/** What each hideable part is, for the options. */
const PART_LABELS = {
  learner: 'Learner', faults: 'Failure modes', respond: 'Automatic response', settings: 'Settings',
  runs: 'Runs tab', import: 'Log import', evaluate: 'Evaluate tab', alerts: 'Alerts',
  side: 'Whole side panel', brand: 'Title', tools: 'Top-right tools',
};

/** `&`, `<`, `>` and `"` escaped, for an HTML attribute value. */
export const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a URL hash into [key, decoded value, raw pair]. */
function pairs(hash) {
  return hash.replace(/^#/, '').split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    return [decodeURIComponent(p.slice(0, eq)), decodeURIComponent(p.slice(eq + 1)), p];
  });
}

/**
 * The <failure-lab> attributes for a URL hash: learner, seed, fault (space
 * separated), autoplay, present, hide, and every other setting in `config`.
 */
export function elementAttrs(hash) {
  const out = [];
  const faults = [];
  const config = [];
  for (const [key, value, raw] of pairs(hash)) {
    if (key === 'scenario') out.push(['learner', value]);
    else if (key === 'seed' || key === 'hide') out.push([key, value]);
    else if (key === 'fault') faults.push(value);
    else if ((key === 'autoplay' || key === 'present') && value === 'true') out.push([key, null]);
    else config.push(raw);
  }
  if (faults.length) out.push(['fault', faults.join(' ')]);
  if (config.length) out.push(['config', config.join('&')]);
  return out;
}

/** The Share / Embed dialog. */
export class Share {
  /** `state()`: the page's settings. */
  constructor({ state }) {
    this.state = state;
    const button = el('button', { id: 'share', type: 'button', text: 'Share / Embed', title: 'A link, an iframe or a <failure-lab> element for this run' });
    button.addEventListener('click', () => this.open());
    $('presenter').after(button);
    this.build();
  }

  build() {
    const box = (name, label) => el('label', { class: 'switch' }, el('input', { type: 'checkbox', name }), el('span', { text: label }));
    this.options = el('form', { class: 'share-options', attrs: { 'aria-label': 'Embed options' } },
      el('fieldset', {}, el('legend', { text: 'Hide in the embed' }), ...HIDEABLE.map((p) => box(`hide-${p}`, PART_LABELS[p] || p))),
      el('fieldset', {}, el('legend', { text: 'Embed' }),
        box('autoplay', 'Start training at once'), box('present', 'Presentation mode'),
        el('label', {}, el('span', { text: 'Height (px)' }), el('input', { type: 'number', name: 'height', min: 240, max: 4000, step: 10, value: 640 }))));
    this.options.addEventListener('submit', (e) => e.preventDefault());
    this.options.addEventListener('input', () => this.fill());
    this.options.addEventListener('change', () => this.fill());
    const field = (id, label, rows) => {
      const area = el('textarea', { id, readOnly: true, rows, spellcheck: false, attrs: { 'aria-label': label } });
      const copy = el('button', { type: 'button', class: 'copy', text: 'Copy', data: { for: id } });
      copy.addEventListener('click', () => this.copy(area, copy));
      return el('div', { class: 'share-field', data: { field: id } }, el('div', { class: 'share-head' }, el('h3', { text: label }), copy), area);
    };
    const close = el('button', { type: 'button', text: 'Close' });
    close.addEventListener('click', () => this.dialog.close());
    this.dialog = el('dialog', { id: 'share-dialog', class: 'share-dialog', attrs: { 'aria-labelledby': 'share-title' } },
      el('h2', { id: 'share-title', text: 'Share / Embed this run' }),
      el('p', { class: 'hint', text: 'The same settings, seed and faults: the same run, step for step.' }),
      this.options,
      field('share-link', 'Link', 2),
      field('share-iframe', 'iframe (any page)', 4),
      SINGLE ? el('p', { class: 'hint', text: 'This is the one-file build: host failure-lab.html beside the course page and use the iframe. The <failure-lab> element comes with the served lab (embed.js).' })
        : field('share-element', '<failure-lab> element (one module script)', 4),
      el('p', { class: 'hint', text: 'Embeds point at this lab’s own files: host the lab where the course page can reach it.' }),
      el('div', { class: 'share-actions' }, close));
    this.dialog.addEventListener('click', (e) => { if (e.target === this.dialog) this.dialog.close(); });
    document.body.append(this.dialog);
  }

  open() {
    const s = this.state();
    const hide = new Set(String(s.hide || '').split(',').filter(Boolean));
    for (const p of HIDEABLE) this.options.elements[`hide-${p}`].checked = hide.has(p);
    this.options.elements.autoplay.checked = Boolean(s.autoplay);
    this.options.elements.present.checked = Boolean(s.present);
    this.fill();
    this.dialog.showModal();
  }

  /** The settings of the embed: the page's, with the dialog's options. */
  embedState() {
    const f = this.options.elements;
    return {
      ...this.state(),
      hide: HIDEABLE.filter((p) => f[`hide-${p}`].checked).join(','),
      autoplay: f.autoplay.checked,
      present: f.present.checked,
    };
  }

  fill() {
    const hash = toHash(this.embedState());
    const page = new URL(location.href);
    page.hash = '';
    const base = page.href.replace(/#$/, '');
    const height = Math.min(4000, Math.max(240, Math.round(Number(this.options.elements.height.value) || 640)));
    $('share-link').value = base + toHash({ ...this.state() });
    $('share-iframe').value = `<iframe src="${attr(base + hash)}" title="failure-lab: when training goes wrong" `
      + `width="100%" height="${height}" style="border:0" loading="lazy"></iframe>`;
    if (!SINGLE) {
      const script = new URL('embed.js', page).href;
      const attrs = [...elementAttrs(hash), ...(height !== 640 ? [['height', String(height)]] : [])]
        .map(([k, v]) => (v === null ? ` ${k}` : ` ${k}="${attr(v)}"`)).join('');
      $('share-element').value = `<script type="module" src="${attr(script)}"></script>\n<failure-lab${attrs}></failure-lab>`;
    }
  }

  async copy(area, button) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(area.value);
      ok = true;
    } catch {
      // No clipboard API here (or no permission): select it and copy the old way.
      area.select();
      ok = document.execCommand?.('copy') ?? false;
    }
    button.textContent = ok ? 'Copied' : 'Select and copy';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  }
}
