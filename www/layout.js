// Page layout: the side panel's tabs, the presenter's large type, and the
// keyboard shortcut for start/pause.

import { $ } from './dom.js';

/** Shows side-panel tab `name` ('train', 'runs', or one added later such as 'eval'). */
export function showTab(name) {
  for (const tab of document.querySelectorAll('.tabs [role="tab"]')) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !on;
  }
}

/** Wires the tabs (click, arrow keys), hidden ones too: a panel added later unhides its tab. */
export function bindTabs() {
  const tabs = () => [...document.querySelectorAll('.tabs [role="tab"]')].filter((t) => !t.hidden);
  for (const tab of document.querySelectorAll('.tabs [role="tab"]')) {
    tab.addEventListener('click', () => showTab(tab.id.slice(4)));
    tab.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const all = tabs();
      const next = all[(all.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : all.length - 1)) % all.length];
      showTab(next.id.slice(4));
      next.focus();
    });
  }
}

/** Large type on or off. */
export function setPresenter(on) {
  document.documentElement.classList.toggle('presenter', on);
  document.body.classList.toggle('presenter', on);
  $('presenter').setAttribute('aria-pressed', String(on));
}

/** The text scale of charts in the current mode. */
export const chartScale = () => (document.body.classList.contains('presenter') ? 1.45 : 1);

/** Space starts or pauses, unless focus is in a field or on a button. */
export function bindSpace(toggle) {
  document.addEventListener('keydown', (e) => {
    if (e.key !== ' ' || e.repeat) return;
    const t = e.target;
    if (t !== document.body && t.closest('input, select, textarea, button, summary, canvas, [role="tab"]')) return;
    e.preventDefault();
    toggle();
  });
}
