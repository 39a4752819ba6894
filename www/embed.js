// <failure-lab>: the lab in a course page with one module script tag.
//
//   <script type="module" src="https://example.org/lab/embed.js"></script>
//   <failure-lab fault="lr_spike" seed="3" autoplay hide="runs,evaluate"></failure-lab>
//
// The element shows the lab's own page (index.html beside this file) in an
// iframe, its configuration in the URL hash: each element is a page of its
// own (its own run, worker and settings), so two embeds never share state
// by accident. The lab checks every setting as it checks a URL and says
// what it refused in its notice bar; the element itself says what is wrong
// with its own attributes (height, src, unknown names) above the lab.
// Nothing here throws: a bad attribute gives a notice and the default.
//
// Attributes: fault (ids, space separated, each `id` or
// `id(field:value,...)`), preset (a fault id with its defaults, `lr-spike`
// or `lr_spike`), learner (classifier, agent or gan), seed, autoplay, present
// (presentation mode), hide (parts: runs,evaluate,import,settings,...),
// speed, config (any other settings as a URL hash: `lr=0.05&dataset=xor`),
// height (px, or a CSS length), src (another copy of the lab's page on
// this origin, e.g. failure-lab.html).

const LAB_PAGE = new URL('index.html', import.meta.url);
const DEFAULT_HEIGHT = '640px';
/** The element's own attributes, and what goes into the lab's URL. */
const OWN = ['fault', 'preset', 'learner', 'seed', 'autoplay', 'present', 'hide', 'speed', 'config', 'height', 'src'];
/** Attributes any element may carry. */
const GLOBAL = /^(id|class|style|title|lang|dir|hidden|tabindex|slot|part|role|inert|nonce|data-.*|aria-.*)$/;

const STYLE = `
:host { display: block; contain: content; }
.notice { font: 14px/1.4 system-ui, sans-serif; background: #fef3c7; color: #78350f; border-left: 5px solid #d97706;
  padding: 0.4em 0.8em; margin: 0 0 0.4em; border-radius: 4px; }
.notice ul { margin: 0.2em 0 0; padding-left: 1.2em; }
iframe { display: block; width: 100%; border: 0; }
`;

// Commas, colons and parentheses stay readable in the hash; the lab decodes everything.
const encode = (s) => encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%28/g, '(').replace(/%29/g, ')');

/** A boolean attribute: present is on, except "false", "0", "off", "no". */
function flag(el, name, problems) {
  const v = el.getAttribute(name);
  if (v === null) return false;
  const s = v.trim().toLowerCase();
  if (['', 'true', '1', 'on', 'yes', name].includes(s)) return true;
  if (['false', '0', 'off', 'no'].includes(s)) return false;
  problems.push(`${name}="${v}" is not true or false; taken as on`);
  return true;
}

/**
 * The lab's URL hash for an element's attributes, and the problems found
 * with them: `{hash, height, src, problems}`. Exported for tests.
 */
export function configure(el) {
  const problems = [];
  const parts = [];
  const add = (key, value) => parts.push(`${key}=${encode(value)}`);
  const learner = el.getAttribute('learner');
  if (learner !== null) add('scenario', learner.trim());
  const seed = el.getAttribute('seed');
  if (seed !== null) add('seed', seed.trim());
  const faults = (el.getAttribute('fault') || '').trim().split(/\s+/).filter(Boolean);
  for (const p of (el.getAttribute('preset') || '').trim().split(/\s+/).filter(Boolean)) faults.push(p.replace(/-/g, '_'));
  for (const f of faults) add('fault', f);
  const speed = el.getAttribute('speed');
  if (speed !== null) add('speed', speed.trim());
  const hide = el.getAttribute('hide');
  if (hide !== null) add('hide', hide.replace(/\s+/g, ','));
  if (flag(el, 'autoplay', problems)) add('autoplay', 'true');
  if (flag(el, 'present', problems)) add('present', 'true');
  const config = (el.getAttribute('config') || '').trim().replace(/^#/, '');
  if (config) parts.push(...config.split('&').filter(Boolean));

  let height = DEFAULT_HEIGHT;
  const h = el.getAttribute('height');
  if (h !== null) {
    const m = h.trim().match(/^(\d{1,5}(?:\.\d+)?)(px|vh|em|rem)?$/);
    if (m && Number(m[1]) > 0) height = `${m[1]}${m[2] || 'px'}`;
    else problems.push(`height="${h}" is not a height like 600 or 80vh; using ${DEFAULT_HEIGHT}`);
  }

  let src = LAB_PAGE;
  const s = el.getAttribute('src');
  if (s !== null) {
    let url = null;
    try {
      url = new URL(s, LAB_PAGE);
    } catch {
      url = null;
    }
    if (url && url.origin === LAB_PAGE.origin) {
      url.hash = '';
      src = url;
    } else {
      problems.push(`src="${s}" is not a page of this lab's site (${LAB_PAGE.origin}); using ${LAB_PAGE.pathname}`);
    }
  }

  for (const { name } of el.attributes) {
    if (!OWN.includes(name) && !GLOBAL.test(name)) {
      problems.push(`unknown attribute "${name}" ignored (known: ${OWN.join(', ')})`);
    }
  }
  return { hash: parts.length ? `#${parts.join('&')}` : '', height, src: src.href, problems };
}

/** The <failure-lab> element. */
export class FailureLab extends HTMLElement {
  static get observedAttributes() {
    return OWN;
  }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    this.shadowRoot.adoptedStyleSheets = [sheet];
    this.notice = document.createElement('div');
    this.notice.className = 'notice';
    this.notice.setAttribute('role', 'status');
    this.notice.setAttribute('part', 'notice');
    this.notice.hidden = true;
    this.frame = document.createElement('iframe');
    this.frame.setAttribute('part', 'frame');
    this.frame.title = 'failure-lab: when training goes wrong';
    this.shadowRoot.append(this.notice, this.frame);
    this.pending = false;
  }

  connectedCallback() {
    this.schedule();
  }

  attributeChangedCallback() {
    this.schedule();
  }

  /** Renders once after a burst of attribute changes. */
  schedule() {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (this.isConnected) this.render();
    });
  }

  render() {
    let config;
    try {
      config = configure(this);
    } catch (e) {
      config = { hash: '', height: DEFAULT_HEIGHT, src: LAB_PAGE.href, problems: [`the attributes could not be read (${e.message}); showing the lab's defaults`] };
    }
    const { hash, height, src, problems } = config;
    this.notice.hidden = problems.length === 0;
    this.notice.replaceChildren();
    if (problems.length) {
      const list = document.createElement('ul');
      for (const p of problems) {
        const li = document.createElement('li');
        li.textContent = p;
        list.append(li);
      }
      const head = document.createElement('strong');
      head.textContent = 'failure-lab:';
      this.notice.append(head, list);
    }
    this.frame.style.height = height;
    const url = src + hash;
    if (this.frame.getAttribute('src') !== url) this.frame.setAttribute('src', url);
  }
}

if (!customElements.get('failure-lab')) customElements.define('failure-lab', FailureLab);
